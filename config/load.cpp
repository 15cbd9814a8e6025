// load(): command line first (to learn --config, --help, --version and the flag values), then
// the layers defaults < file < environment < flags, then validation. Nothing here throws out of
// load() or exits; every outcome is a load_result.
#include "config/load.hpp"

#include "config/options.hpp"
#include "config/sources.hpp"
#include "hookd_version.hpp"

#include <CLI/CLI.hpp>

#include <utility>

extern char** environ;

namespace hookd::config {
namespace {

constexpr int exit_usage = 2;

/// What the command line asked for, before any layer is applied.
struct command_line {
  std::string config_file;
  bool version = false;
  std::vector<std::string> flag_values; ///< parallel to options(); meaningful when given
  std::vector<CLI::Option*> flags;      ///< parallel to options()
};

const char* const footer =
    "Sources, lowest precedence first: built-in defaults, the TOML file given by --config,\n"
    "environment variables HOOKD_<SECTION>_<KEY> (e.g. HOOKD_RETRY_MAX_DURATION=10h), and the\n"
    "flags above (--retry.max_duration=10h or --retry.max_duration 10h). Durations take a unit:\n"
    "250ms, 15s, 2m, 10h, 1d. Lists are comma-separated in the environment and in flags.";

/// The default as --help shows it: its env/flag text, or "" for empty strings.
std::string default_text(const option& o) {
  config defaults;
  const std::string text = format_value(o.field(defaults));
  return text.empty() ? "\"\"" : text;
}

/// Booleans may be given bare ("--endpoints.allow_private_targets" = true); strings and string
/// lists may be given empty ("--server.api_token=", "--endpoints.allow_cidrs="); every other
/// kind needs a value.
bool value_optional(const field_ref& field) {
  return std::holds_alternative<bool*>(field) || std::holds_alternative<std::string*>(field) ||
         std::holds_alternative<std::vector<std::string>*>(field);
}

void add_option_flag(CLI::App& app, const option& o, command_line& cl, std::size_t i) {
  config defaults;
  const field_ref field = o.field(defaults);
  CLI::Option* flag =
      app.add_option(o.flag(), cl.flag_values[i], o.help + " [env " + o.env_name() + "]");
  // option_text rather than default_str: CLI11 would substitute default_str for a bare flag.
  flag->option_text(std::string(kind_label(field)) + "=" + default_text(o))
      ->group("[" + o.section + "]")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  if (value_optional(field))
    flag->expected(0, 1);
  cl.flags[i] = flag;
}

void describe(CLI::App& app, command_line& cl) {
  app.description("hookd " + std::string(hookd::version) + " — webhook delivery engine");
  app.footer(footer);
  app.get_formatter()->column_width(52);
  app.add_option("--config", cl.config_file, "TOML configuration file (see hookd.example.toml)")
      ->type_name("FILE");
  app.add_flag("--version", cl.version, "print the version and exit");
  const std::vector<option>& all = options();
  cl.flag_values.resize(all.size());
  cl.flags.resize(all.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    add_option_flag(app, all[i], cl, i);
}

load_result stop(int code, std::string output) {
  load_result r;
  r.exit_now = true;
  r.exit_code = code;
  r.output = std::move(output);
  return r;
}

load_result usage_error(const std::vector<std::string>& errors) {
  std::string text;
  for (const std::string& e : errors)
    text += "hookd: " + e + "\n";
  return stop(exit_usage, text + "Run 'hookd --help' for the list of options.\n");
}

/// A bare boolean flag means true; everything else is taken as written.
std::string flag_text(const option& o, const std::string& value) {
  config scratch;
  return value.empty() && std::holds_alternative<bool*>(o.field(scratch)) ? "true" : value;
}

void apply_flags(const command_line& cl, layered_config& target) {
  const std::vector<option>& all = options();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (cl.flags[i]->count() > 0)
      apply_text(all[i], flag_text(all[i], cl.flag_values[i]), all[i].flag(), target);
}

load_result build(const command_line& cl, const std::map<std::string, std::string>& env) {
  layered_config layers;
  if (!cl.config_file.empty())
    apply_toml_file(cl.config_file, layers);
  apply_environment(env, layers);
  apply_flags(cl, layers);
  if (layers.errors.empty())
    validate(layers);
  if (!layers.errors.empty())
    return usage_error(layers.errors);
  load_result r;
  r.cfg = std::move(layers.cfg);
  return r;
}

load_result load_or_throw(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  CLI::App app;
  app.name("hookd");
  command_line cl;
  describe(app, cl);
  std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 pops from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return stop(0, app.help());
  } catch (const CLI::ParseError& e) {
    return usage_error({e.what()});
  }
  if (cl.version)
    return stop(0, "hookd " + std::string(hookd::version) + "\n");
  return build(cl, env);
}

} // namespace

load_result load(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env) {
  try {
    return load_or_throw(args, env);
  } catch (const std::exception& e) {
    return stop(exit_usage,
                std::string("hookd: cannot load the configuration: ") + e.what() + "\n");
  } catch (...) {
    return stop(exit_usage, "hookd: cannot load the configuration\n");
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string text(*entry);
    const std::size_t eq = text.find('=');
    if (eq != std::string::npos)
      env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

} // namespace hookd::config
