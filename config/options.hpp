#pragma once
// The one table of configuration options. Each row names a key (section + key), where its value
// lives in `config`, a line of help and the rule it must satisfy. The TOML file, the environment,
// the command-line flags and --help are all driven by this table, so adding an option means
// adding one row in options.cpp and nothing else.
#include "config/config.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hookd::config {

/// Where an option's value lives inside one `config`; the alternative held is the option's kind.
using field_ref = std::variant<std::string*, int*, std::size_t*, double*, bool*, duration*,
                               std::vector<int>*, std::vector<std::string>*>;

/// Judges one option of a fully loaded config: "" when valid, otherwise the reason
/// ("must be >= 1"). Rules may look at other options (max_interval >= initial_interval).
using check_fn = std::function<std::string(const config&)>;

struct option {
  std::string section; ///< "retry"
  std::string key;     ///< "max_duration"
  std::string help;    ///< one line, shown by --help
  std::function<field_ref(config&)> field;
  check_fn check;      ///< empty when any value of the right kind is fine
  bool secret = false; ///< never echo the value (api_token, alert_secret)

  std::string name() const;     ///< "retry.max_duration"
  std::string env_name() const; ///< "HOOKD_RETRY_MAX_DURATION"
  std::string flag() const;     ///< "--retry.max_duration"
};

/// Builds one visitor from several lambdas, for std::visit over a field_ref.
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// Every option, grouped by section in file order.
const std::vector<option>& options();

/// The row for section.key, or nullptr.
const option* find_option(std::string_view section, std::string_view key);

/// True when some option lives in `section`.
bool is_section(std::string_view section);

/// For an unknown "section.key" or "section": the known name within two typos of it, or "".
std::string did_you_mean(std::string_view unknown);

/// "string", "integer", "number", "boolean", "duration", "integer list" or "string list".
std::string_view kind_name(const field_ref& field);

/// Placeholder for --help: "TEXT", "INT", "NUMBER", "BOOL", "DURATION", "INT,INT...",
/// "TEXT,TEXT...".
std::string_view kind_label(const field_ref& field);

/// Stores `text` as written in an environment variable or a flag ("15s", "0.5", "true",
/// "404,410", "10.0.0.0/8,fd00::/8"). Returns "" on success, otherwise what was expected; the
/// field is then unchanged.
std::string assign_text(const field_ref& field, const std::string& text);

/// The value as one would write it in the environment or a flag; assign_text reads it back.
std::string format_value(const field_ref& field);

/// Shortest text that reads back as `x`, with ".0" added to whole numbers ("2.0", "0.5").
std::string format_number(double x);

} // namespace hookd::config
