#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <set>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

TEST_CASE("a delivery written and the process restarted comes back with its due time and "
          "attempt count",
          "[store][durability]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(10), {"ep_a"});
  delivery_update u;
  u.delivery_id = m.deliveries[0].id;
  u.attempts = 3;
  u.first_attempt_at = at_ms(11);
  u.next_attempt_at = at_ms(7'200'011);
  u.last_status_code = 502;
  u.last_error = attempt_error::http_status;
  u.at = at_ms(3'600'011);
  attempt_record a;
  a.delivery_id = u.delivery_id;
  a.at = at_ms(3'600'000);
  f.db->begin();
  f.db->record_attempt(a, u);
  f.db->commit();

  f.reopen();

  auto pending = f.db->load_pending("ep_a");
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == u.delivery_id);
  CHECK(pending[0].message_id == "msg_1");
  CHECK(pending[0].next_attempt_at == at_ms(7'200'011));
  CHECK(pending[0].attempts == 3);
  CHECK(pending[0].first_attempt_at == at_ms(11));
  CHECK(pending[0].last_status_code == 502);
  CHECK(pending[0].created_at == at_ms(10));
  CHECK(f.db->endpoints_with_pending() == std::vector<std::string>{"ep_a"});
  CHECK(f.db->attempts_of("msg_1").size() == 1);
}

TEST_CASE("a torn-down writer never leaves a half-written message", "[store][durability]") {
  store_fixture f;
  insert(*f.db, "msg_committed", at_ms(1), {"ep_a"});
  f.db->begin();
  auto msg = make_message("msg_torn", at_ms(2));
  auto ds = make_deliveries(msg, {"ep_a", "ep_b", "ep_c"});
  f.db->insert_message(msg, ds);
  f.reopen(); // destroyed without commit

  CHECK(f.db->find_message("msg_committed"));
  CHECK_FALSE(f.db->find_message("msg_torn"));
  CHECK(f.db->deliveries_of(msg.seq).empty());
  CHECK(f.db->load_pending("ep_a").size() == 1);
  CHECK(f.db->load_pending("ep_b").empty());
}

namespace {

constexpr int deliveries_per_message = 5;

std::string crash_message_id(int round, int i) {
  return "msg_" + std::to_string(round) + "_" + std::to_string(i);
}

std::vector<std::string> crash_endpoints() {
  std::vector<std::string> eps;
  for (int k = 0; k < deliveries_per_message; ++k)
    eps.push_back("ep_" + std::to_string(k));
  return eps;
}

/// The child: inserts messages forever, reporting each index on `fd` once its commit returned.
[[noreturn]] void crash_child(const store_fixture& f, int round, int fd) {
  try {
    auto db = f.open_writer();
    for (int i = 0;; ++i) {
      auto msg = make_message(crash_message_id(round, i), at_ms(i));
      auto ds = make_deliveries(msg, crash_endpoints());
      db->begin();
      db->insert_message(msg, ds);
      db->commit();
      if (write(fd, &i, sizeof i) != sizeof i)
        _exit(3);
    }
  } catch (...) {
    _exit(2);
  }
}

/// Reads committed indexes from `fd` until `want` arrived or `deadline` passed.
void read_reports(int fd, std::vector<int>& out, std::size_t want,
                  std::chrono::steady_clock::time_point deadline) {
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5) <= 0)
      continue;
    int i = 0;
    auto n = read(fd, &i, sizeof i);
    if (n != sizeof i)
      return; // EOF: the child is gone
    out.push_back(i);
  }
}

/// Runs one child, kills it with SIGKILL mid-stream, returns the indexes it reported.
std::vector<int> run_and_kill(const store_fixture& f, int round, std::chrono::milliseconds extra) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    crash_child(f, round, fds[1]);
  }
  close(fds[1]);
  std::vector<int> reported;
  auto start = std::chrono::steady_clock::now();
  read_reports(fds[0], reported, 20, start + std::chrono::seconds{3}); // the child is running
  read_reports(fds[0], reported, SIZE_MAX, std::chrono::steady_clock::now() + extra);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status)); // it did not stop early on its own
  read_reports(fds[0], reported, SIZE_MAX,
               std::chrono::steady_clock::now() + std::chrono::seconds{1});
  close(fds[0]);
  return reported;
}

} // namespace

TEST_CASE("a writer killed with SIGKILL loses no committed message and leaves no partial one",
          "[store][durability][crash]") {
  store_fixture f;
  for (const auto& ep : crash_endpoints())
    f.db->put_endpoint(make_endpoint(ep));
  f.db.reset();

  for (int round = 0; round < 6; ++round) {
    auto reported = run_and_kill(f, round, std::chrono::milliseconds{5 + 5 * round});
    REQUIRE(!reported.empty());
    INFO("round " << round << ": " << reported.size() << " commits reported");

    auto db = f.open_writer();
    std::set<int> committed(reported.begin(), reported.end());
    int last = *committed.rbegin();
    // Everything reported is there, whole. Past the last report at most the one message
    // whose commit returned just before the kill may exist, and then whole too.
    int present_after_last = 0;
    for (int i = 0; i <= last + 10; ++i) {
      auto msg = db->find_message(crash_message_id(round, i));
      if (i <= last)
        REQUIRE(msg); // the child commits in order: earlier ones committed too
      if (!msg)
        continue;
      if (i > last)
        ++present_after_last;
      REQUIRE(db->deliveries_of(msg->seq).size() == deliveries_per_message);
    }
    CHECK(present_after_last <= 1);
  }
}
