// Fuzz target: the configuration file layer (config/sources.hpp: apply_toml_file, the one unit
// using toml++) and the validation after it, as `hookd --config FILE` runs them. Called
// directly rather than through config::load, whose catch-all would hide an exception.
// Checks: never throws; a refusal is a non-empty line.
#include "fuzz/fuzz_target.hpp"

#include "config/load.hpp"
#include "config/sources.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

/// One scratch file per process, rewritten for every input (the loader reads a path), removed
/// at exit.
struct scratch_file {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("hookd-fuzz-config-" + std::to_string(::getpid()) + ".toml"))
                         .string();
  ~scratch_file() { std::remove(path.c_str()); }
};

const std::string& scratch_path() {
  static const scratch_file file;
  return file.path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  hookd::config::layered_config layers;
  hookd::config::apply_toml_file(scratch_path(), layers);
  hookd::config::validate(layers);
  for (const std::string& error : layers.errors)
    hookd::fuzz::fuzz_check(!error.empty(), "config refused without a reason");
  (void)hookd::config::parse_duration(std::string(hookd::fuzz::as_text(data, size)));
  return 0;
}
