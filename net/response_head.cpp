#include "net/response_head.hpp"

#include "net/ascii.hpp"
#include "net/error_body.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace hookd::net {

namespace {

bool is_token_char(char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         extra.find(c) != std::string_view::npos;
}

bool server_owned(std::string_view name) {
  static constexpr std::array<std::string_view, 10> owned = {"content-length", "transfer-encoding",
                                                             "connection",     "keep-alive",
                                                             "content-type",   "server",
                                                             "date",           "trailer",
                                                             "upgrade",        "proxy-connection"};
  return std::any_of(owned.begin(), owned.end(),
                     [&](std::string_view o) { return iequals(o, name); });
}

bool safe_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool acceptable(std::string_view name, std::string_view value) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char) &&
         safe_value(value) && !server_owned(name);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

} // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 205:
      return "Reset Content";
    case 206:
      return "Partial Content";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Entity";
    case 425:
      return "Too Early";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return {};
  }
}

server_response error_response(int status, std::string_view code, std::string_view message) {
  server_response r;
  r.status = status;
  r.body = error_body(code, message);
  return r;
}

bool build_response_head(std::string& out, server_response& r, std::string_view server,
                         std::string_view date, const response_framing& framing) {
  if (r.status < 200 || r.status > 599)
    r = error_response(500, internal_error_code,
                       "the handler answered with status " + std::to_string(r.status));
  bool no_body = r.status == 204 || r.status == 304;

  out.clear();
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<std::uint64_t>(r.status));
  out.push_back(' ');
  out.append(reason_phrase(r.status)).append("\r\n");
  if (!server.empty())
    append_field(out, "Server", server);
  append_field(out, "Date", date);
  if (!r.content_type.empty() && safe_value(r.content_type))
    append_field(out, "Content-Type", r.content_type);
  if (!no_body) {
    out.append("Content-Length: ");
    append_number(out, r.body.size());
    out.append("\r\n");
  }
  if (framing.close)
    out.append("Connection: close\r\n");
  else if (framing.http10_keep)
    out.append("Connection: keep-alive\r\n");
  for (const auto& [name, value] : r.headers)
    if (acceptable(name, value))
      append_field(out, name, value);
  out.append("\r\n");
  return !no_body && !framing.head_request;
}

std::string http_date(std::time_t t) {
  static constexpr std::array<std::string_view, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  auto two = [](std::string& s, int v) {
    s.push_back(static_cast<char>('0' + v / 10));
    s.push_back(static_cast<char>('0' + v % 10));
  };
  std::string s;
  s.reserve(29);
  s.append(days[static_cast<std::size_t>(tm.tm_wday) % 7]).append(", ");
  two(s, tm.tm_mday);
  s.push_back(' ');
  s.append(months[static_cast<std::size_t>(tm.tm_mon) % 12]).push_back(' ');
  s.append(std::to_string(tm.tm_year + 1900)).push_back(' ');
  two(s, tm.tm_hour);
  s.push_back(':');
  two(s, tm.tm_min);
  s.push_back(':');
  two(s, tm.tm_sec);
  s.append(" GMT");
  return s;
}

std::string_view date_cache::now() {
  std::time_t t = std::time(nullptr);
  if (t != second_) {
    second_ = t;
    value_ = http_date(t);
  }
  return value_;
}

} // namespace hookd::net
