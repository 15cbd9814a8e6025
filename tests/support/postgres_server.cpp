#include "tests/support/postgres_server.hpp"

#include "sys/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace hookd::testing {
namespace fs = std::filesystem;
namespace {

std::string bindir() {
  const char* dir = std::getenv("HOOKD_PG_BINDIR");
  return dir && *dir ? dir : "/usr/lib/postgresql/15/bin";
}

bool running_as_root() { return geteuid() == 0; }

/// Makes `path` the postgres user's when running as root (the server refuses root).
void give_to_postgres(const fs::path& path) {
  if (!running_as_root())
    return;
  const passwd* pw = getpwnam("postgres");
  if (!pw)
    throw std::runtime_error("postgres_server: running as root but there is no 'postgres' user "
                             "(apt-get install postgresql creates it)");
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    throw std::runtime_error("postgres_server: cannot chown " + path.string());
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs a PostgreSQL program (as postgres when root) and waits for it; throws with its output
/// when it fails.
void run_tool(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv;
  if (running_as_root())
    argv = {"runuser", "-u", "postgres", "--"};
  argv.push_back(bindir() + "/" + args.front());
  argv.insert(argv.end(), args.begin() + 1, args.end());
  sys::spawn_options o;
  o.argv = argv;
  o.env = sys::child_environment("PG"); // no PGDATA, PGPORT, ... from the caller's shell
  o.stdout_path = log.string();
  o.stderr_path = log.string();
  o.truncate = true;
  auto child = sys::spawn(o);
  auto status = sys::wait_exit(child.pid, std::chrono::seconds{60});
  if (!status) {
    sys::kill_and_reap(child.pid);
    throw std::runtime_error("postgres_server: " + args.front() + " did not finish in 60 s");
  }
  if (*status != 0)
    throw std::runtime_error("postgres_server: " + args.front() + " failed (exit " +
                             std::to_string(*status) + "): " + slurp(log));
}

/// A port nobody listens on right now (the kernel's choice for an ephemeral bind).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0)
      close(fd);
    throw std::runtime_error("postgres_server: no free port");
  }
  close(fd);
  return ntohs(a.sin_port);
}

std::string database_name() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "t" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 1000000);
}

} // namespace

void run_sql(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  if (!error.empty())
    throw std::runtime_error("postgres_server: " + sql + ": " + error);
}

postgres_server::postgres_server(const postgres_server_options& options)
    : owned_(std::make_unique<temp_dir>()), dir_(owned_->path()) {
  init(options);
}

postgres_server::postgres_server(const fs::path& dir, const postgres_server_options& options)
    : dir_(dir) {
  fs::create_directories(dir_);
  init(options);
}

void postgres_server::init(const postgres_server_options& options) {
  give_to_postgres(dir_);
  fs::create_directories(dir_ / "sock");
  give_to_postgres(dir_ / "sock");
  run_tool({"initdb", "-D", (dir_ / "data").string(), "-U", "postgres", "--auth=trust",
            "--no-sync", "--encoding=UTF8", "--locale=C"},
           dir_ / "initdb.log");
  std::ofstream conf(dir_ / "data" / "postgresql.auto.conf", std::ios::app);
  conf << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << (dir_ / "sock").string() << "'\n"
       << "fsync = " << (options.fsync ? "on" : "off") << "\n"
       << "max_connections = " << options.max_connections << "\n"
       << "shared_buffers = '" << options.shared_buffers << "'\n";
  conf.close();
  for (int tries = 0;; ++tries) {
    port_ = free_port();
    try {
      start();
      break;
    } catch (const std::exception&) {
      if (tries == 4)
        throw; // five ports taken in a row: something else is wrong (the log says what)
    }
  }
  std::ofstream(dir_ / "conninfo") << conninfo();
}

postgres_server::~postgres_server() {
  if (detached_)
    return;
  try {
    stop();
  } catch (...) {
  }
}

std::string postgres_server::conninfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

std::string postgres_server::create_database() {
  auto name = database_name();
  run_sql(conninfo(), "CREATE DATABASE " + name);
  return conninfo(name);
}

void postgres_server::start() {
  run_tool({"pg_ctl", "-D", (dir_ / "data").string(), "-l", (dir_ / "server.log").string(),
            "-o", "-p " + std::to_string(port_), "-w", "-t", "60", "start"},
           dir_ / "pg_ctl.log");
  running_ = true;
}

void postgres_server::stop() {
  if (!running_)
    return;
  running_ = false;
  stop_at(dir_);
}

void postgres_server::stop_at(const fs::path& dir) {
  run_tool({"pg_ctl", "-D", (dir / "data").string(), "-m", "immediate", "-w", "stop"},
           dir / "pg_ctl-stop.log");
}

std::string query_value(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  std::string error, value;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
      error = PQresultErrorMessage(r);
    else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
      value = PQgetvalue(r, 0, 0);
    PQclear(r);
  }
  PQfinish(c);
  if (!error.empty())
    throw std::runtime_error("postgres_server: " + sql + ": " + error);
  return value;
}

std::string test_database() {
  static std::mutex m;
  static std::unique_ptr<postgres_server> own; // stopped at exit
  std::lock_guard lock{m};
  if (const char* dir = std::getenv("HOOKD_TEST_POSTGRES"); dir && *dir) {
    auto conninfo = slurp(fs::path{dir} / "conninfo");
    if (conninfo.empty())
      throw std::runtime_error(std::string{"HOOKD_TEST_POSTGRES="} + dir +
                               " names no running test server (no conninfo file)");
    auto name = database_name();
    run_sql(conninfo, "CREATE DATABASE " + name);
    auto at = conninfo.rfind("dbname=");
    return conninfo.substr(0, at) + "dbname=" + name;
  }
  if (!own)
    own = std::make_unique<postgres_server>();
  return own->create_database();
}

} // namespace hookd::testing
