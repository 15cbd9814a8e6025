#pragma once
// Named loggers per subsystem ("engine", "store", "net", "api"), all writing to stderr through
// the sinks chosen by `configure` (text or JSON lines; docs/configuration.md [log]).
#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace hookd::logging {

/// Sets level ("trace" … "off") and format ("text" or "json") for every logger, existing and
/// future. Returns false (changing nothing) for an unknown level or format. With `node_id`
/// (cluster mode) every line names the node: "node=<id>" in text, a "node" member in JSON.
bool configure(const std::string& level, const std::string& format,
               const std::string& node_id = {});

/// The logger named `name`, created on first use with the configured sinks and level.
std::shared_ptr<spdlog::logger> get(const std::string& name);

} // namespace hookd::logging
