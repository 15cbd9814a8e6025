#include "store/sqlite_statement.hpp"

#include <sqlite3.h>

namespace hookd::store::sqlite {
namespace {

// sqlite3_bind_text/blob bind NULL for a null pointer; an empty view must stay an empty value.
const char* non_null(std::string_view v) {
  return v.data() ? v.data() : "";
}

std::string column_bytes(sqlite3_stmt* stmt, int col, const void* data) {
  if (data == nullptr)
    return {};
  return {static_cast<const char*>(data),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt, col))};
}

} // namespace

statement::statement(connection& db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK)
    db.fail(std::string{"prepare "} + std::string{sql}, rc);
}

statement::~statement() {
  sqlite3_finalize(stmt_);
}

query::~query() {
  sqlite3_reset(s_.get());
  sqlite3_clear_bindings(s_.get());
}

int query::next_parameter() {
  return ++parameter_;
}

void query::check_bind(int rc) {
  if (rc != SQLITE_OK)
    s_.db().fail(op_, rc);
}

query& query::bind_int(std::int64_t v) {
  check_bind(sqlite3_bind_int64(s_.get(), next_parameter(), v));
  return *this;
}

query& query::bind_real(double v) {
  check_bind(sqlite3_bind_double(s_.get(), next_parameter(), v));
  return *this;
}

query& query::bind_text(std::string_view v) {
  check_bind(sqlite3_bind_text64(s_.get(), next_parameter(), non_null(v), v.size(), SQLITE_STATIC,
                                 SQLITE_UTF8));
  return *this;
}

query& query::bind_text_or_null(std::string_view v) {
  if (v.empty()) {
    check_bind(sqlite3_bind_null(s_.get(), next_parameter()));
    return *this;
  }
  return bind_text(v);
}

query& query::bind_blob(std::string_view bytes) {
  check_bind(sqlite3_bind_blob64(s_.get(), next_parameter(), non_null(bytes), bytes.size(),
                                 SQLITE_STATIC));
  return *this;
}

query& query::bind_time(time_point t) {
  if (t == no_time) {
    check_bind(sqlite3_bind_null(s_.get(), next_parameter()));
    return *this;
  }
  return bind_int(to_unix_ms(t));
}

bool query::step() {
  column_ = 0;
  int rc = sqlite3_step(s_.get());
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  s_.db().fail(op_, rc);
}

void query::run() {
  while (step()) {
  }
}

std::int64_t query::column_int() {
  return sqlite3_column_int64(s_.get(), column_++);
}

double query::column_real() {
  return sqlite3_column_double(s_.get(), column_++);
}

std::string query::column_text() {
  int col = column_++;
  return column_bytes(s_.get(), col, sqlite3_column_text(s_.get(), col));
}

std::string query::column_blob() {
  int col = column_++;
  return column_bytes(s_.get(), col, sqlite3_column_blob(s_.get(), col));
}

time_point query::column_time() {
  int col = column_++;
  if (sqlite3_column_type(s_.get(), col) == SQLITE_NULL)
    return no_time;
  return from_unix_ms(sqlite3_column_int64(s_.get(), col));
}

} // namespace hookd::store::sqlite
