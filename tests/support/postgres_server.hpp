#pragma once
// A throw-away PostgreSQL server for tests: `initdb` into a fresh directory, `pg_ctl start` on a
// free 127.0.0.1 port (TCP only, plus a Unix socket inside that directory), stopped and removed
// when the object goes away. Run as root, the server runs as the `postgres` user (PostgreSQL
// refuses root). The binaries are PostgreSQL 15's, in /usr/lib/postgresql/15/bin
// (HOOKD_PG_BINDIR overrides).
//
// Most tests share one server and take a fresh database each (test_database()): initdb costs
// about a second, CREATE DATABASE a tenth of that.
#include <filesystem>
#include <memory>
#include <string>

namespace hookd::testing {

class temp_dir;

struct postgres_server_options {
  /// fsync at commit. Off for tests: commits still survive the server's own crash (`stop`
  /// with immediate mode), only not the machine's.
  bool fsync = false;
  int max_connections = 300;
  std::string shared_buffers = "32MB";
};

class postgres_server {
public:
  /// A server in a directory of its own under /tmp, removed when the object goes away.
  explicit postgres_server(const postgres_server_options& options = {});
  /// A server in `dir` (created when missing), left there: `stop()` before it goes away, or
  /// let another process stop it (the ctest fixture, tests/support/postgres_fixture_main.cpp).
  postgres_server(const std::filesystem::path& dir, const postgres_server_options& options);
  ~postgres_server();
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  int port() const { return port_; }
  /// A libpq connection string for `database` on this server (user postgres, no password).
  std::string conninfo(const std::string& database = "postgres") const;

  /// Creates an empty database with a name of its own; returns its connection string.
  std::string create_database();

  /// Stops the server at once, as a crash would (`pg_ctl stop -m immediate`): what was
  /// committed survives, sessions are cut.
  void stop();
  /// Starts it again on the same port (after stop()).
  void start();
  bool running() const { return running_; }

  /// Leaves the server running when this object goes away (the fixture's start command).
  void detach() { detached_ = true; }

  /// Stops the server whose directory is `dir` (the fixture's stop command).
  static void stop_at(const std::filesystem::path& dir);

private:
  void init(const postgres_server_options& options);

  std::unique_ptr<temp_dir> owned_;
  std::filesystem::path dir_;
  int port_ = 0;
  bool running_ = false;
  bool detached_ = false;
};

/// Runs `sql` (no result rows expected) on a connection of its own; throws saying why it failed.
void run_sql(const std::string& conninfo, const std::string& sql);

/// The first column of the first row of `sql` as text ("" for no row or NULL).
std::string query_value(const std::string& conninfo, const std::string& sql);

/// A fresh empty database on the server this test run shares: the ctest fixture's when
/// HOOKD_TEST_POSTGRES names its directory, else one this process starts on first use (and
/// stops at exit). Returns the connection string.
std::string test_database();

} // namespace hookd::testing
