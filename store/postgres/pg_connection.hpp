#pragma once
// One libpq connection (RAII) and one execution on it.
//
// Statements are prepared once per connection (`prepare`) and run by name (`run`); the SQL
// text travels once. Parameters go as text, except bytes (bytea), which go as binary so no
// escaping is needed. Results come back in binary: integers and doubles need no parsing and
// bytea arrives as it was stored (pg_result reads them).
//
// Errors throw store::error: kind failure for everything the database did not accept (the
// message names the operation, the SQLSTATE and PostgreSQL's text) and for a lost connection.
// A lost connection stays lost: `broken()` says so and the owner opens a new one.
#include "policy/time.hpp"
#include "store/postgres/pg_result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;

namespace hookd::store::pg {

/// The parameters of one statement, in order ($1, $2, ...). Values are copied in.
class params {
public:
  params& bind_int(std::int64_t v);
  params& bind_real(double v);
  params& bind_text(std::string_view v);
  params& bind_blob(std::string_view v); ///< bytea, sent in binary
  params& bind_time(time_point t);        ///< unix milliseconds; NULL for no_time
  params& bind_null();
  /// NULL for an empty string (optional ids, whose unique indexes must not see '' twice).
  params& bind_text_or_null(std::string_view v) { return v.empty() ? bind_null() : bind_text(v); }
  /// A PostgreSQL array literal ({...}) built by pg_array below.
  params& bind_array(const std::string& literal) { return bind_text(literal); }

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return pointers_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

private:
  void push(std::string v, bool is_null, int format);
  void refresh_pointers();

  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  std::vector<const char*> pointers_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

/// Array literals for `params::array` ('{1,2,NULL}', '{"a","b\"c"}').
std::string int_array(const std::vector<std::int64_t>& values);
std::string time_array(const std::vector<time_point>& values); ///< no_time as NULL
std::string text_array(const std::vector<std::string>& values);

class connection {
public:
  /// Connects with a libpq connection string or postgresql:// URI. Throws store::error with
  /// libpq's reason when it cannot.
  explicit connection(const std::string& conninfo);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs one SQL statement without parameters; `op` names it in errors.
  result exec(const std::string& sql, std::string_view op);

  /// Runs several statements separated by semicolons (DDL: no results are read).
  void exec_script(const std::string& sql, std::string_view op);

  /// Runs one statement with parameters without preparing it (calls made rarely).
  result exec(const std::string& sql, const params& p, std::string_view op);

  void prepare(const std::string& name, const std::string& sql);

  /// Runs a prepared statement; throws unless it succeeded.
  result run(const std::string& name, const params& p, std::string_view op);

  /// Throws store::error unless `r` succeeded: PostgreSQL's text and SQLSTATE, kind conflict
  /// for a request that cannot apply (classes 22 and 23), kind failure otherwise.
  result check(result r, std::string_view op);

  // -- pipeline mode (pg_connection_pipeline.cpp) -------------------------------------------------
  // Statements sent one after the other without waiting for each answer, answered together
  // after one sync: one round trip for a writer's batch. The socket is non-blocking meanwhile,
  // so a long pipeline never deadlocks with a server whose answers fill the socket.

  /// Sends a prepared statement without waiting for its answer (pipeline mode from the first).
  void send(const std::string& name, const params& p, std::string_view op);
  /// Statements sent and not answered yet.
  std::size_t unanswered() const { return sent_; }
  /// Sends the sync and returns every answer in the order sent (each still to be check()ed; one
  /// after a failed statement reports PGRES_PIPELINE_ABORTED), then leaves pipeline mode.
  /// Throws store::error (kind failure) when the connection fails meanwhile.
  std::vector<result> receive_all(std::string_view op);
  /// Leaves pipeline mode dropping whatever was not received (a rollback follows). No-throw.
  void abandon_pipeline() noexcept;

  /// The connection is lost (or was never made): every further call fails.
  bool broken() const;
  /// PostgreSQL's view of the session: inside a transaction block that can still commit.
  bool in_transaction() const;
  /// Inside a transaction block that failed: only ROLLBACK is accepted.
  bool transaction_failed() const;
  /// Rolls back whatever is open, ignoring errors (a lost connection has nothing open).
  void rollback_quietly() noexcept;

  /// Where the connection goes, without the password (for messages).
  const std::string& where() const { return where_; }
  pg_conn* get() const { return conn_; }

private:
  /// Waits until libpq has a result ready (or the connection failed), sending what is queued.
  bool wait_ready();

  pg_conn* conn_ = nullptr;
  std::size_t sent_ = 0; ///< in the current pipeline
  std::string where_;
};

} // namespace hookd::store::pg
