// Environment layer, the shared "set from text" step and start-up validation (sources.hpp).
#include "config/sources.hpp"

namespace hookd::config {
namespace {

/// The current value as the user wrote it, or its default rendering.
std::string current_text(const option& o, layered_config& target) {
  const auto found = target.origins.find(o.name());
  return found != target.origins.end() ? found->second.raw : format_value(o.field(target.cfg));
}

std::string source_of(const option& o, const layered_config& target) {
  const auto found = target.origins.find(o.name());
  return found != target.origins.end() ? found->second.source : "default";
}

} // namespace

std::string invalid_value(const option& o, std::string_view source, std::string_view reason,
                          const std::optional<std::string>& raw) {
  std::string message = "invalid value for " + o.name() + " (from " + std::string(source) +
                        "): " + std::string(reason);
  if (raw)
    message += ", got \"" + (o.secret && !raw->empty() ? std::string("<redacted>") : *raw) + "\"";
  return message;
}

void apply_text(const option& o, const std::string& text, const std::string& source,
                layered_config& target) {
  const std::string reason = assign_text(o.field(target.cfg), text);
  if (!reason.empty())
    target.errors.push_back(invalid_value(o, source, reason, text));
  else
    target.origins[o.name()] = origin{source, text};
}

void apply_environment(const std::map<std::string, std::string>& env, layered_config& target) {
  for (const option& o : options()) {
    const std::string name = o.env_name();
    if (const auto found = env.find(name); found != env.end())
      apply_text(o, found->second, name, target);
  }
}

void validate(layered_config& target) {
  for (const option& o : options()) {
    if (!o.check)
      continue;
    const std::string reason = o.check(target.cfg);
    if (!reason.empty())
      target.errors.push_back(
          invalid_value(o, source_of(o, target), reason, current_text(o, target)));
  }
}

} // namespace hookd::config
