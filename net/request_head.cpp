#include "net/request_head.hpp"

#include "net/ascii.hpp"

#include <algorithm>
#include <array>

namespace hookd::net {

namespace {

bool is_token_char(char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         extra.find(c) != std::string_view::npos;
}

bool is_managed(std::string_view name) {
  static constexpr std::array<std::string_view, 9> managed = {
      "host", "content-length", "transfer-encoding", "connection",      "keep-alive",
      "te",   "trailer",        "upgrade",           "proxy-connection"};
  return std::any_of(managed.begin(), managed.end(),
                     [&](std::string_view m) { return iequals(m, name); });
}

std::string check_header(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
    return "invalid header name \"" + std::string(name) + "\"";
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    return "invalid value for header \"" + std::string(name) + "\"";
  if (is_managed(name))
    return "header \"" + std::string(name) + "\" is set by the client";
  return {};
}

bool has_header(const header_list& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

} // namespace

request_head_result build_request_head(const url& target, const header_list& headers,
                                       std::size_t body_size, std::string_view user_agent) {
  for (const auto& [name, value] : headers)
    if (auto error = check_header(name, value); !error.empty())
      return {{}, std::move(error)};

  std::string out;
  out.reserve(160 + target.target.size() + target.host.size());
  out.append("POST ").append(target.target).append(" HTTP/1.1\r\n");
  append_field(out, "Host", target.host_header());
  if (!has_header(headers, "user-agent"))
    append_field(out, "User-Agent", user_agent);
  if (!has_header(headers, "content-type"))
    append_field(out, "Content-Type", "application/json");
  append_field(out, "Content-Length", std::to_string(body_size));
  for (const auto& [name, value] : headers)
    append_field(out, name, value);
  out.append("\r\n");
  return {std::move(out), {}};
}

} // namespace hookd::net
