#pragma once
// Builds a `config` from defaults, a TOML file, the environment and command-line flags.
#include "config/config.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hookd::config {

/// What `load` decided: run with `cfg`, or exit at once with `exit_code` after printing
/// `output` (help text, version, or an error naming the offending key).
struct load_result {
  config cfg;
  bool exit_now = false;
  int exit_code = 0;
  std::string output;
};

/// `args` excludes the program name. `env` maps variable names to values (tests pass their
/// own; main passes the process environment).
load_result load(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env);

/// The process environment as a map.
std::map<std::string, std::string> process_environment();

/// The longest duration any key takes: 100 years (36500d). Longer values would serve no purpose
/// and, near the int64 limit, overflow time arithmetic ("106751991167d").
inline constexpr duration max_config_duration = std::chrono::hours{24 * 36500};

/// Parses "250ms", "15s", "2m", "10h" (also "1d"); nullopt when malformed, negative or longer
/// than max_config_duration.
std::optional<duration> parse_duration(const std::string& text);

/// Why parse_duration refused `text`, for the message after the key name: too long, or the
/// expected form.
std::string duration_refusal(const std::string& text);

/// Renders a duration in the largest unit up to hours that divides it ("2m", "1500ms", "72h");
/// days are accepted by parse_duration but never produced. The text parses back exactly.
std::string format_duration(duration d);

} // namespace hookd::config
