#pragma once
// The layers a configuration is built from, applied lowest first onto one `layered_config`:
// defaults, then the TOML file, the environment and the command-line flags. Each layer records
// where every value it set came from, so an error can name both the key and its source.
#include "config/config.hpp"
#include "config/options.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hookd::config {

/// Where one option's current value came from and how it was written there.
struct origin {
  std::string source; ///< "/etc/hookd.toml:12", "HOOKD_RETRY_JITTER", "--retry.jitter"
  std::string raw;    ///< the value as written in that source
};

struct layered_config {
  config cfg;                            ///< starts at the defaults
  std::map<std::string, origin> origins; ///< by option name; absent = default
  std::vector<std::string> errors;       ///< one line each; non-empty = refuse to start
};

/// `invalid value for <key> (from <source>): <reason>[, got "<raw>"]`; secrets are not echoed.
std::string invalid_value(const option& o, std::string_view source, std::string_view reason,
                          const std::optional<std::string>& raw);

/// Sets `o` from text as written in the environment or a flag, recording `source`.
void apply_text(const option& o, const std::string& text, const std::string& source,
                layered_config& target);

/// Reads `path` as TOML. Unknown sections and keys, values of the wrong type and syntax errors
/// are errors. Defined in toml_source.cpp, the only unit that includes toml++.
void apply_toml_file(const std::string& path, layered_config& target);

/// Applies every HOOKD_<SECTION>_<KEY> present in `env`; other variables are ignored.
void apply_environment(const std::map<std::string, std::string>& env, layered_config& target);

/// Runs every option's rule against the finished config and records the refusals.
void validate(layered_config& target);

} // namespace hookd::config
