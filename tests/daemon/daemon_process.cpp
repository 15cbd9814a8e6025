// The hookd child process (see daemon_process.hpp): started with sys/child_process, stdout/stderr
// to files, readiness polling over HTTP, signals and reaping.
#include "tests/daemon/daemon_process.hpp"

#include "config/load.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "sys/child_process.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/test_receiver.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace hookd::testing {

using namespace std::chrono_literals;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Starts HOOKD_BINARY with `args`; stdout and stderr appended to the given files, HOOKD_*
/// variables of the caller's shell left out (so they cannot change the tests' configuration)
/// and `env` added. Fails the test when it cannot.
pid_t spawn_hookd(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env, const std::string& stdout_path,
                  const std::string& stderr_path) {
  sys::spawn_options o;
  o.argv = {HOOKD_BINARY};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = sys::child_environment("HOOKD_", env);
  o.stdout_path = stdout_path;
  o.stderr_path = stderr_path;
  try {
    return sys::spawn(o).pid;
  } catch (const std::exception& e) {
    FAIL(e.what());
  }
  return -1;
}

/// The last `n` bytes of a log, for failure messages.
std::string tail(const std::string& text, std::size_t n = 3000) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

} // namespace

std::vector<std::string> compressed_flags() {
  const auto c = compressed_config();
  const auto d = [](duration v) { return config::format_duration(v); };
  return {
      "--retry.initial_interval=" + d(c.retry.initial_interval),
      "--retry.multiplier=" + std::to_string(c.retry.multiplier),
      "--retry.max_interval=" + d(c.retry.max_interval),
      "--retry.jitter=" + std::to_string(c.retry.jitter),
      "--retry.max_duration=" + d(c.retry.max_duration),
      "--retry.breaker_threshold=" + std::to_string(c.retry.breaker_threshold),
      "--endpoints.failure_disable_after=" + d(c.endpoints.failure_disable_after),
      "--endpoints.idle_timeout=" + d(c.endpoints.idle_timeout),
      "--endpoints.allow_private_targets=" +
          std::string{c.endpoints.allow_private_targets ? "true" : "false"},
      "--http.connect_timeout=" + d(c.http.connect_timeout),
      "--http.attempt_timeout=" + d(c.http.attempt_timeout),
  };
}

store_choice default_store() {
  const char* server = std::getenv("HOOKD_TEST_POSTGRES");
  if (server && *server)
    return {test_database()};
  return {};
}

daemon_process::daemon_process(std::vector<std::string> extra_flags, store_choice store)
    : port_(closed_port()), db_path_(dir_.file("data/hookd.db")), store_(std::move(store)),
      stdout_path_(dir_.file("stdout.log")), stderr_path_(dir_.file("stderr.log")),
      extra_flags_(std::move(extra_flags)) {}

daemon_process::~daemon_process() {
  if (running())
    kill9();
}

std::string daemon_process::url(std::string_view target) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string{target};
}

std::unique_ptr<store::store> daemon_process::open_store_reader() const {
  if (!store_.postgres.empty())
    return store::open_postgres_store(store_.postgres, store::reader_options());
  return store::open_sqlite_store(db_path_, {.read_only = true});
}

std::string daemon_process::log() const {
  return read_file(stderr_path_);
}

void daemon_process::start(std::chrono::milliseconds ready_limit) {
  REQUIRE_FALSE(running());
  std::vector<std::string> args{"--server.listen=127.0.0.1:" + std::to_string(port_),
                                "--log.level=info"};
  if (store_.postgres.empty()) {
    args.push_back("--store.path=" + db_path_);
  } else {
    args.push_back("--store.backend=postgres");
    args.push_back("--store.url=" + store_.postgres);
  }
  const auto compressed = compressed_flags();
  args.insert(args.end(), compressed.begin(), compressed.end());
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  pid_ = spawn_hookd(args, {}, stdout_path_, stderr_path_);
  ++starts_;

  const auto deadline = steady::now() + ready_limit;
  for (;;) {
    if (auto exited = sys::wait_exit(pid_, 0ms)) {
      pid_ = -1;
      FAIL("hookd exited with " << *exited << " before it was ready; stderr:\n" << tail(log()));
    }
    auto r = http_exchange("GET", url("/readyz"), {}, {}, 500ms);
    if (r.status == 200)
      return;
    if (steady::now() >= deadline)
      FAIL("hookd not ready after "
           << ready_limit.count()
           << " ms (last: " << (r.answered() ? std::to_string(r.status) : r.error) << "); stderr:\n"
           << tail(log()));
    std::this_thread::sleep_for(20ms);
  }
}

void daemon_process::send_sigterm() {
  REQUIRE(running());
  ::kill(pid_, SIGTERM);
}

std::optional<int> daemon_process::wait_exit(std::chrono::milliseconds limit) {
  REQUIRE(running());
  auto status = sys::wait_exit(pid_, limit);
  if (!status) {
    kill9();
    return std::nullopt;
  }
  pid_ = -1;
  return status;
}

std::optional<int> daemon_process::terminate(std::chrono::milliseconds limit) {
  send_sigterm();
  return wait_exit(limit);
}

void daemon_process::kill9() {
  if (!running())
    return;
  ::kill(pid_, SIGKILL);
  sys::wait_exit(pid_, 10s);
  pid_ = -1;
}

process_result run_hookd(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds limit) {
  temp_dir dir;
  const auto out_path = dir.file("stdout");
  const auto err_path = dir.file("stderr");
  const pid_t pid = spawn_hookd(args, env, out_path, err_path);
  process_result result;
  if (auto status = sys::wait_exit(pid, limit)) {
    result.exit_code = *status;
  } else {
    ::kill(pid, SIGKILL);
    sys::wait_exit(pid, 10s);
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

} // namespace hookd::testing
