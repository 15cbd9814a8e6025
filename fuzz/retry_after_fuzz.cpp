// Fuzz target: the Retry-After header of a 429/503 response (policy/retry_after.hpp), which
// comes from the endpoint, i.e. from anyone a user points hookd at.
// Checks: never throws; a delay is never negative and never over the 30-day cap.
#include "fuzz/fuzz_target.hpp"

#include "policy/retry_after.hpp"

#include <chrono>

using namespace std::chrono_literals;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = hookd::fuzz::as_text(data, size);
  // 2026-01-01T00:00:00Z: dates on both sides of it are plausible inputs.
  const hookd::time_point now{std::chrono::milliseconds{1767225600000}};
  if (auto delay = hookd::policy::parse_retry_after(text, now)) {
    hookd::fuzz::fuzz_check(*delay >= 0ms, "Retry-After delay is negative");
    hookd::fuzz::fuzz_check(*delay <= std::chrono::hours{24 * 30}, "Retry-After over 30 days");
  }
  (void)hookd::policy::parse_http_date(text);
  return 0;
}
