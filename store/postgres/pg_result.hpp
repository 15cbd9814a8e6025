#pragma once
// A libpq result (RAII) in binary format, read row by row, column by column in select-list
// order, like store/sqlite_statement.hpp's query.
#include "policy/time.hpp"

#include <cstdint>
#include <string>

struct pg_result;

namespace hookd::store::pg {

class result {
public:
  result() = default;
  explicit result(pg_result* r) noexcept : r_(r) {}
  ~result();
  result(result&& other) noexcept;
  result& operator=(result&& other) noexcept;
  result(const result&) = delete;
  result& operator=(const result&) = delete;

  pg_result* get() const noexcept { return r_; }
  int rows() const;
  /// Rows an INSERT/UPDATE/DELETE touched (PQcmdTuples).
  std::size_t affected() const;
  /// The command tag ("COMMIT", "ROLLBACK", "INSERT 0 1", ...).
  std::string command() const;

  /// Moves to the next row (the first on the first call); false when there are no more.
  bool next();

  // -- columns of the current row, in order -----------------------------------------------------
  bool is_null() const; ///< the column about to be read
  std::int64_t column_int(); ///< int2, int4, int8 or bool; NULL reads as 0
  double column_real();      ///< float8; NULL reads as 0
  std::string column_text(); ///< text or bytea, bytes as stored; NULL reads as ""
  std::string column_blob() { return column_text(); }
  time_point column_time();  ///< int8 unix ms; NULL reads as no_time

private:
  const char* cell(int& length);

  pg_result* r_ = nullptr;
  int row_ = -1;
  int column_ = 0;
};

} // namespace hookd::store::pg
