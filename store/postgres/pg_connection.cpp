#include "store/postgres/pg_connection.hpp"

#include "store/store.hpp"

#include <libpq-fe.h>

#include <charconv>

namespace hookd::store::pg {
namespace {

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

/// "host:port/dbname" for messages: never the password.
std::string describe(PGconn* c) {
  if (!c)
    return "postgres";
  std::string host = PQhost(c) ? PQhost(c) : "";
  return "postgres " + host + ":" + (PQport(c) ? PQport(c) : "") + "/" + (PQdb(c) ? PQdb(c) : "");
}

void append_quoted(std::string& out, std::string_view v) {
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '"';
}

} // namespace

// -- params ---------------------------------------------------------------------------------------

void params::push(std::string v, bool is_null, int format) {
  values_.push_back(std::move(v));
  nulls_.push_back(is_null);
  formats_.push_back(format);
  lengths_.push_back(static_cast<int>(values_.back().size()));
  refresh_pointers();
}

void params::refresh_pointers() {
  // The strings may have moved when values_ grew (short strings live inside the object).
  pointers_.resize(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i)
    pointers_[i] = nulls_[i] ? nullptr : values_[i].c_str();
}

params& params::bind_int(std::int64_t v) {
  push(std::to_string(v), false, 0);
  return *this;
}

params& params::bind_real(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v); // shortest exact form
  push(std::string(buf, ec == std::errc{} ? end : buf), false, 0);
  return *this;
}

params& params::bind_text(std::string_view v) {
  push(std::string{v}, false, 0);
  return *this;
}

params& params::bind_blob(std::string_view v) {
  push(std::string{v}, false, 1);
  return *this;
}

params& params::bind_time(time_point t) {
  return t == no_time ? bind_null() : bind_int(to_unix_ms(t));
}

params& params::bind_null() {
  push({}, true, 0);
  return *this;
}

std::string int_array(const std::vector<std::int64_t>& values) {
  std::string s = "{";
  for (std::size_t i = 0; i < values.size(); ++i)
    s += (i ? "," : "") + std::to_string(values[i]);
  return s + "}";
}

std::string time_array(const std::vector<time_point>& values) {
  std::string s = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i)
      s += ',';
    s += values[i] == no_time ? "NULL" : std::to_string(to_unix_ms(values[i]));
  }
  return s + "}";
}

std::string text_array(const std::vector<std::string>& values) {
  std::string s = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i)
      s += ',';
    append_quoted(s, values[i]);
  }
  return s + "}";
}

// -- connection -----------------------------------------------------------------------------------

connection::connection(const std::string& conninfo) {
  // Defaults first: the caller's string (expanded from "dbname") overrides any of them.
  const char* keywords[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", "tcp_user_timeout", "application_name",
                            "options", "dbname", nullptr};
  // options: PostgreSQL's NOTICEs ("relation ... already exists, skipping" at every start)
  // would go to stderr; warnings and errors still come.
  const char* values[] = {"5", "5", "2", "3", "15000", "hookd", "-c client_min_messages=warning",
                          conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (!conn_)
    throw error("postgres: out of memory while connecting");
  where_ = describe(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw error("cannot connect to " + where_ + ": " + why);
  }
}

connection::~connection() {
  if (conn_)
    PQfinish(conn_);
}

result connection::check(result r, std::string_view op) {
  const auto status = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return r;
  std::string why;
  auto kind = error::kind::failure;
  if (r.get()) {
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    why = trimmed(PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY));
    if (state) {
      why = std::string{state} + " " + why;
      // Class 23, integrity constraint violation (a NOT NULL, a unique key), and class 22, data
      // exception (a text with a NUL byte): the request cannot apply, the database is fine.
      const std::string_view cls{state, 2};
      if (cls == "23" || cls == "22")
        kind = error::kind::conflict;
    }
  }
  if (why.empty())
    why = trimmed(PQerrorMessage(conn_));
  if (broken())
    why = "connection lost: " + why;
  throw error(std::string{op} + ": " + why + " (" + where_ + ")", broken() ? error::kind::failure : kind);
}

result connection::exec(const std::string& sql, std::string_view op) {
  if (broken())
    throw error(std::string{op} + ": connection lost (" + where_ + ")");
  return check(result{PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1)},
               op);
}

result connection::exec(const std::string& sql, const params& p, std::string_view op) {
  if (broken())
    throw error(std::string{op} + ": connection lost (" + where_ + ")");
  return check(result{PQexecParams(conn_, sql.c_str(), p.size(), nullptr, p.values(), p.lengths(),
                                   p.formats(), 1)},
               op);
}

void connection::exec_script(const std::string& sql, std::string_view op) {
  if (broken())
    throw error(std::string{op} + ": connection lost (" + where_ + ")");
  check(result{PQexec(conn_, sql.c_str())}, op);
}

void connection::prepare(const std::string& name, const std::string& sql) {
  check(result{PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr)}, "prepare " + name);
}

result connection::run(const std::string& name, const params& p, std::string_view op) {
  if (broken())
    throw error(std::string{op} + ": connection lost (" + where_ + ")");
  return check(result{PQexecPrepared(conn_, name.c_str(), p.size(), p.values(), p.lengths(),
                                     p.formats(), 1)},
               op);
}

bool connection::broken() const { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }

bool connection::in_transaction() const {
  return conn_ && PQtransactionStatus(conn_) == PQTRANS_INTRANS;
}

bool connection::transaction_failed() const {
  return conn_ && PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

void connection::rollback_quietly() noexcept {
  if (broken())
    return;
  auto s = PQtransactionStatus(conn_);
  if (s == PQTRANS_INTRANS || s == PQTRANS_INERROR)
    PQclear(PQexec(conn_, "ROLLBACK"));
}

} // namespace hookd::store::pg
