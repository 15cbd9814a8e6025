// The client when the process runs out of resources: every attempt still ends with a result.
// The fd-exhaustion cases run in a forked child (it uses up its own descriptors and reports
// through its exit status), so the test process keeps its descriptors.
#include "net/io_worker.hpp"
#include "tests/net/client_harness.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <vector>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

/// Child exit statuses.
constexpr int child_ok = 0;
constexpr int child_no_callback = 3;
constexpr int child_wrong_error = 4;
constexpr int child_not_exhausted = 5;

/// Opens /dev/null until the process is out of descriptors; returns them (to keep them open).
std::vector<int> exhaust_descriptors() {
  std::vector<int> held;
  for (;;) {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      break;
    held.push_back(fd);
  }
  return held;
}

/// Runs `body` in a forked child and returns its exit status (-1: it did not exit normally).
int in_child(const std::function<int()>& body) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    alarm(20); // a hanging child dies instead of hanging the test
    _exit(body());
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// In the child: one attempt to `url` on a fresh io_worker with no descriptor left to spare.
int attempt_without_descriptors(const std::string& url) {
  net::io_worker worker(test_options());
  auto promise = std::make_shared<std::promise<net::http_response>>();
  auto result = promise->get_future();
  auto held = exhaust_descriptors();
  if (held.empty())
    return child_not_exhausted;
  worker.submit(post_to(url, "{}", 3s, 2s),
                [promise](net::http_response r) { promise->set_value(std::move(r)); });
  if (result.wait_for(10s) != std::future_status::ready)
    return child_no_callback;
  auto r = result.get();
  for (int fd : held)
    ::close(fd);
  return r.error == attempt_error::local_resources ? child_ok : child_wrong_error;
}

} // namespace

TEST_CASE("out of descriptors: the attempt ends with local_resources, not silence",
          "[client][resources]") {
  // The worker's io_context has no reactor yet: the first session needs descriptors for it
  // (epoll, eventfd, timerfd) and throws EMFILE while it is being built.
#ifdef HOOKD_UBSAN
  // UBSan checks each virtual call (shared_ptr's release among them) by writing the vtable
  // into a pipe(); with no descriptor free that fails and it reports "invalid vptr" for a sound
  // object. The ordinary build runs this case; the ASan+UBSan build cannot.
  WARN("skipped under UBSan: its vptr check needs free descriptors");
  return;
#endif
  CHECK(in_child([] { return attempt_without_descriptors("http://127.0.0.1:1/hook"); }) ==
        child_ok);
}
