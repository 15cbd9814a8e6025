#include "logging/logger.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>

namespace hookd::logging {
namespace {

constexpr const char* text_pattern = "%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v";

/// Writes the message as a JSON string (escaping quotes, backslashes and control characters).
class json_message_flag : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char hex[] = "0123456789abcdef";
    for (char c : std::string_view{msg.payload.data(), msg.payload.size()}) {
      switch (c) {
        case '"':
          dest.append(std::string_view{"\\\""});
          break;
        case '\\':
          dest.append(std::string_view{"\\\\"});
          break;
        case '\n':
          dest.append(std::string_view{"\\n"});
          break;
        case '\r':
          dest.append(std::string_view{"\\r"});
          break;
        case '\t':
          dest.append(std::string_view{"\\t"});
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            const char esc[] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xF], hex[c & 0xF]};
            dest.append(esc, esc + sizeof esc);
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_flag>();
  }
};

/// `text` as the inside of a JSON string (node ids are configuration, so quotes and control
/// characters are possible), with spdlog's own '%' doubled for the pattern.
std::string json_in_pattern(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char esc[8];
      (void)std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else if (c == '%') {
      out += "%%";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string pattern_literal(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '%' ? std::string{"%%"} : std::string(1, c);
  return out;
}

std::unique_ptr<spdlog::formatter> make_formatter(const std::string& format,
                                                  const std::string& node_id) {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == "json") {
    f->add_flag<json_message_flag>('*');
    const std::string node =
        node_id.empty() ? "" : R"("node":")" + json_in_pattern(node_id) + R"(",)";
    f->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",)" + node +
                   R"("logger":"%n","msg":"%*"})");
  } else if (node_id.empty()) {
    f->set_pattern(text_pattern);
  } else {
    f->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ node=" + pattern_literal(node_id) +
                   " [%n] %v");
  }
  return f;
}

struct settings {
  std::mutex mutex;
  spdlog::sink_ptr sink;
  spdlog::level::level_enum level = spdlog::level::info;
};

settings& current() {
  static settings s;
  std::lock_guard guard{s.mutex};
  if (!s.sink) {
    s.sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    s.sink->set_formatter(make_formatter("text", {}));
  }
  return s;
}

} // namespace

bool configure(const std::string& level, const std::string& format, const std::string& node_id) {
  const auto lvl = spdlog::level::from_str(level);
  if ((lvl == spdlog::level::off && level != "off") || (format != "text" && format != "json"))
    return false;
  settings& s = current();
  std::lock_guard guard{s.mutex};
  s.level = lvl;
  s.sink->set_formatter(make_formatter(format, node_id));
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) { l->set_level(lvl); });
  return true;
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  if (auto existing = spdlog::get(name))
    return existing;
  settings& s = current();
  std::lock_guard guard{s.mutex};
  if (auto existing = spdlog::get(name)) // another thread won the race
    return existing;
  auto logger = std::make_shared<spdlog::logger>(name, s.sink);
  logger->set_level(s.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

} // namespace hookd::logging
