#pragma once
// Small helpers for the configuration tests: run load() with given flags/environment, write a
// TOML file into a temp dir, and compare configs option by option through the option table.
#include "config/load.hpp"
#include "config/options.hpp"
#include "tests/support/temp_dir.hpp"

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace hookd::config::test {

using env_map = std::map<std::string, std::string>;

/// A TOML file with the given text, deleted with the object.
class toml_file {
public:
  explicit toml_file(const std::string& text) : path_(dir_.file("hookd.toml")) {
    std::ofstream(path_) << text;
  }
  const std::string& path() const { return path_; }

private:
  hookd::testing::temp_dir dir_;
  std::string path_;
};

/// The value of option `name` ("retry.max_duration") in `cfg`, as env/flags would write it.
inline std::string value_of(config cfg, const std::string& name) {
  for (const option& o : options())
    if (o.name() == name)
      return format_value(o.field(cfg));
  return "<no such option " + name + ">";
}

/// Names of the options whose values differ between `a` and `b`.
inline std::vector<std::string> differences(config a, config b) {
  std::vector<std::string> names;
  for (const option& o : options())
    if (format_value(o.field(a)) != format_value(o.field(b)))
      names.push_back(o.name());
  return names;
}

/// load() that must succeed.
inline config load_ok(const std::vector<std::string>& args, const env_map& env = {}) {
  load_result r = load(args, env);
  INFO(r.output);
  REQUIRE_FALSE(r.exit_now);
  return r.cfg;
}

/// load() that must fail with exit code 2; returns the error text.
inline std::string load_error(const std::vector<std::string>& args, const env_map& env = {}) {
  load_result r = load(args, env);
  INFO(r.output);
  REQUIRE(r.exit_now);
  REQUIRE(r.exit_code == 2);
  return r.output;
}

} // namespace hookd::config::test
