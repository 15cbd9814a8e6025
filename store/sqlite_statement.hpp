#pragma once
// Prepared statements (RAII) and one execution of them.
//
// A `statement` is prepared once, when the store opens, and reused for every call: preparing
// costs more than running a small INSERT. A `query` is one use of it: bind parameters in order,
// step, read columns in select-list order. The query resets the statement and clears its
// bindings when it goes away, so an exception half-way never leaves the statement busy (a busy
// SELECT would pin its read snapshot and make COMMIT/ROLLBACK fail).
//
// Text and blobs are bound without copying: what is bound must outlive the query.
#include "policy/time.hpp"
#include "store/sqlite_connection.hpp"

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace hookd::store::sqlite {

class statement {
public:
  statement(connection& db, std::string_view sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  sqlite3_stmt* get() const noexcept { return stmt_; }
  connection& db() const noexcept { return db_; }

private:
  connection& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class query {
public:
  /// `op` names the store operation in error messages; it must outlive the query.
  query(statement& s, std::string_view op) noexcept : s_(s), op_(op) {}
  ~query();
  query(const query&) = delete;
  query& operator=(const query&) = delete;

  // -- parameters, in order ---------------------------------------------------------------------
  query& bind_int(std::int64_t v);
  query& bind_real(double v);
  query& bind_text(std::string_view v);
  /// NULL for an empty string (optional ids, whose unique indexes must not see '' twice).
  query& bind_text_or_null(std::string_view v);
  query& bind_blob(std::string_view bytes);
  /// NULL for `no_time`, unix milliseconds otherwise.
  query& bind_time(time_point t);

  // -- execution ----------------------------------------------------------------------------------
  /// Advances to the next row; false when there are no more.
  bool step();
  /// Executes a statement that returns no rows.
  void run();

  // -- columns of the current row, in order -------------------------------------------------------
  std::int64_t column_int();
  double column_real();
  std::string column_text(); ///< NULL reads as ""
  std::string column_blob(); ///< NULL reads as ""
  time_point column_time();  ///< NULL reads as no_time

private:
  int next_parameter();
  void check_bind(int rc);

  statement& s_;
  std::string_view op_;
  int parameter_ = 0;
  int column_ = 0;
};

} // namespace hookd::store::sqlite
