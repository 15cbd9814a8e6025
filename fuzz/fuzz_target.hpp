#pragma once
// The entry point every fuzz target defines (libFuzzer's name, so the same file links with
// libFuzzer's main under clang and with fuzz/replay_main.cpp everywhere else).
//
// A target must not throw, leak or read outside `data`; returning is success. Properties it
// checks (round trips, bounds) fail through `fuzz_check`, which aborts so that both libFuzzer
// and the replay tests report the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace hookd::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void fuzz_check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

} // namespace hookd::fuzz
