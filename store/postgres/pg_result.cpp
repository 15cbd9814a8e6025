#include "store/postgres/pg_result.hpp"

#include "store/store.hpp"

#include <libpq-fe.h>

#include <bit>
#include <cstring>
#include <utility>

namespace hookd::store::pg {
namespace {

// Type oids from PostgreSQL's catalog (pg_type.dat); stable across versions.
constexpr Oid bool_oid = 16;
constexpr Oid bytea_oid = 17;
constexpr Oid int8_oid = 20;
constexpr Oid int2_oid = 21;
constexpr Oid int4_oid = 23;
constexpr Oid text_oid = 25;
constexpr Oid float8_oid = 701;
constexpr Oid varchar_oid = 1043;

/// A big-endian (network order) integer of `n` bytes, sign-extended.
std::int64_t read_be(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  if (n < 8 && (v >> (8 * n - 1)) != 0)
    v |= ~std::uint64_t{0} << (8 * n); // negative: extend the sign
  return static_cast<std::int64_t>(v);
}

[[noreturn]] void wrong_type(const char* want, Oid got, int column) {
  throw error("postgres: column " + std::to_string(column) + " has type oid " +
              std::to_string(got) + ", read as " + want);
}

} // namespace

result::~result() {
  if (r_)
    PQclear(r_);
}

result::result(result&& other) noexcept
    : r_(std::exchange(other.r_, nullptr)), row_(other.row_), column_(other.column_) {}

result& result::operator=(result&& other) noexcept {
  if (this != &other) {
    if (r_)
      PQclear(r_);
    r_ = std::exchange(other.r_, nullptr);
    row_ = other.row_;
    column_ = other.column_;
  }
  return *this;
}

int result::rows() const { return r_ ? PQntuples(r_) : 0; }

std::size_t result::affected() const {
  const char* n = r_ ? PQcmdTuples(r_) : "";
  return *n ? static_cast<std::size_t>(std::strtoull(n, nullptr, 10)) : 0;
}

std::string result::command() const { return r_ ? PQcmdStatus(r_) : ""; }

bool result::next() {
  ++row_;
  column_ = 0;
  return row_ < rows();
}

bool result::is_null() const { return PQgetisnull(r_, row_, column_) != 0; }

const char* result::cell(int& length) {
  if (row_ < 0 || row_ >= rows() || column_ >= PQnfields(r_))
    throw error("postgres: read past the end of a result (row " + std::to_string(row_) +
                ", column " + std::to_string(column_) + ")");
  length = PQgetlength(r_, row_, column_);
  const char* v = PQgetisnull(r_, row_, column_) ? nullptr : PQgetvalue(r_, row_, column_);
  ++column_;
  return v;
}

std::int64_t result::column_int() {
  const Oid type = PQftype(r_, column_);
  const int column = column_;
  int n = 0;
  const char* v = cell(n);
  if (type != int8_oid && type != int4_oid && type != int2_oid && type != bool_oid)
    wrong_type("an integer", type, column);
  return v ? read_be(v, n) : 0;
}

double result::column_real() {
  const Oid type = PQftype(r_, column_);
  const int column = column_;
  int n = 0;
  const char* v = cell(n);
  if (type != float8_oid)
    wrong_type("a double", type, column);
  if (!v)
    return 0;
  return std::bit_cast<double>(static_cast<std::uint64_t>(read_be(v, 8)));
}

std::string result::column_text() {
  const Oid type = PQftype(r_, column_);
  const int column = column_;
  int n = 0;
  const char* v = cell(n);
  if (type != text_oid && type != bytea_oid && type != varchar_oid)
    wrong_type("text", type, column);
  return v ? std::string(v, static_cast<std::size_t>(n)) : std::string{};
}

time_point result::column_time() {
  if (is_null()) {
    ++column_;
    return no_time;
  }
  return from_unix_ms(column_int());
}

} // namespace hookd::store::pg
