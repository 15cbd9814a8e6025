#include "tests/metrics/prometheus_parser.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <system_error>

namespace hookd::test::prometheus {

std::string_view to_string(metric_type t) {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
    case metric_type::summary:
      return "summary";
    case metric_type::untyped:
      return "untyped";
  }
  return "unknown";
}

parse_error::parse_error(std::size_t line, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_alpha_(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_metric_char(char c) {
  return is_alpha_(c) || is_digit(c) || c == ':';
}
bool is_label_char(char c) {
  return is_alpha_(c) || is_digit(c);
}

bool valid_metric_name(std::string_view s) {
  if (s.empty() || is_digit(s[0]))
    return false;
  for (const char c : s)
    if (!is_metric_char(c))
      return false;
  return true;
}

bool valid_label_name(std::string_view s) {
  if (s.empty() || !is_alpha_(s[0]))
    return false;
  for (const char c : s)
    if (!is_label_char(c))
      return false;
  return true;
}

/// Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF
/// included), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (i + n >= s.size())
      return i;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

/// A float as the format writes one: decimal ([+-]digits[.digits][e[+-]digits], or .digits),
/// or +Inf / -Inf / Inf / NaN. Nothing else (no hex, no "inf", no underscores).
std::optional<double> parse_float(std::string_view s) {
  if (s == "+Inf" || s == "Inf")
    return std::numeric_limits<double>::infinity();
  if (s == "-Inf")
    return -std::numeric_limits<double>::infinity();
  if (s == "NaN")
    return std::numeric_limits<double>::quiet_NaN();
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    ++i;
  const std::size_t number_start = i;
  std::size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i]))
    ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i]))
      ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0)
    return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i]))
      ++i, ++exp_digits;
    if (exp_digits == 0)
      return std::nullopt;
  }
  if (i != s.size())
    return std::nullopt;
  double v = 0;
  const auto body = s.substr(number_start);
  const auto r = std::from_chars(body.data(), body.data() + body.size(), v);
  // Out of range (1e999) is not a number the format can carry.
  if (r.ec != std::errc{} || r.ptr != body.data() + body.size())
    return std::nullopt;
  return s[0] == '-' ? -v : v;
}

std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    negative = s[i++] == '-';
  if (i == s.size())
    return std::nullopt;
  for (std::size_t k = i; k < s.size(); ++k)
    if (!is_digit(s[k]))
      return std::nullopt;
  // Parse with the sign so INT64_MIN fits.
  std::string digits = (negative ? "-" : "") + std::string{s.substr(i)};
  std::int64_t v = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size())
    return std::nullopt;
  return v;
}

std::string describe(std::string_view name, const label_set& labels) {
  std::string out{name};
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first)
      out += ',';
    first = false;
    out += k + "=\"" + v + '"';
  }
  out += '}';
  return out;
}

std::vector<std::string> sample_names(const std::string& family, metric_type type) {
  switch (type) {
    case metric_type::histogram:
      return {family, family + "_bucket", family + "_sum", family + "_count"};
    case metric_type::summary:
      return {family, family + "_sum", family + "_count"};
    default:
      return {family};
  }
}

/// One line, read left to right.
class cursor {
public:
  cursor(std::string_view line, std::size_t number) : s_(line), line_(number) {}

  [[noreturn]] void fail(const std::string& message) const { throw parse_error(line_, message); }
  std::size_t number() const { return line_; }

  bool at_end() const { return i_ == s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void advance() { ++i_; }
  std::size_t skip_blanks() {
    const auto start = i_;
    while (!at_end() && is_blank(s_[i_]))
      ++i_;
    return i_ - start;
  }
  /// Up to the next blank or the end of the line.
  std::string_view token() {
    const auto start = i_;
    while (!at_end() && !is_blank(s_[i_]))
      ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view take_while(bool (*pred)(char)) {
    const auto start = i_;
    while (!at_end() && pred(s_[i_]))
      ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view rest() {
    const auto r = s_.substr(i_);
    i_ = s_.size();
    return r;
  }
  void expect_end(std::string_view what) {
    skip_blanks();
    if (!at_end())
      fail("trailing garbage after " + std::string{what} + ": '" + std::string{s_.substr(i_)} +
           "'");
  }

private:
  std::string_view s_;
  std::size_t line_;
  std::size_t i_ = 0;
};

std::string unescape_help(cursor& c, std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 == text.size())
      c.fail("HELP text ends in a lone backslash");
    const char e = text[++i];
    if (e == '\\')
      out += '\\';
    else if (e == 'n')
      out += '\n';
    else
      c.fail(std::string{"invalid escape sequence '\\"} + e + "' in HELP text");
  }
  return out;
}

std::string read_label_value(cursor& c, std::string_view label) {
  if (c.peek() != '"')
    c.fail("value of label '" + std::string{label} + "' must be in double quotes");
  c.advance();
  std::string out;
  for (;;) {
    if (c.at_end())
      c.fail("unterminated value of label '" + std::string{label} + "'");
    const char ch = c.peek();
    c.advance();
    if (ch == '"')
      return out;
    if (ch != '\\') {
      out += ch;
      continue;
    }
    if (c.at_end())
      c.fail("unterminated value of label '" + std::string{label} + "'");
    const char e = c.peek();
    c.advance();
    if (e == '\\')
      out += '\\';
    else if (e == '"')
      out += '"';
    else if (e == 'n')
      out += '\n';
    else
      c.fail(std::string{"invalid escape sequence '\\"} + e + "' in value of label '" +
             std::string{label} + "'");
  }
}

label_set read_labels(cursor& c) {
  // At '{'.
  c.advance();
  label_set labels;
  c.skip_blanks();
  if (c.peek() == '}') {
    c.advance();
    return labels;
  }
  for (;;) {
    const auto name = c.take_while(is_label_char);
    if (name.empty())
      c.fail(c.at_end() ? std::string{"unterminated label set"}
                        : std::string{"expected a label name, found '"} + c.peek() + "'");
    if (!valid_label_name(name))
      c.fail("invalid label name '" + std::string{name} + "'");
    if (name.starts_with("__"))
      c.fail("label name '" + std::string{name} + "' is reserved (starts with __)");
    c.skip_blanks();
    if (c.peek() != '=')
      c.fail("expected '=' after label name '" + std::string{name} + "'");
    c.advance();
    c.skip_blanks();
    auto value = read_label_value(c, name);
    if (!labels.emplace(std::string{name}, std::move(value)).second)
      c.fail("label '" + std::string{name} + "' given twice");
    c.skip_blanks();
    if (c.peek() == '}') {
      c.advance();
      return labels;
    }
    if (c.peek() != ',')
      c.fail(c.at_end()
                 ? std::string{"unterminated label set"}
                 : std::string{"expected ',' or '}' in label set, found '"} + c.peek() + "'");
    c.advance();
    c.skip_blanks();
    if (c.peek() == '}') { // a trailing comma is allowed
      c.advance();
      return labels;
    }
  }
}

class parser {
public:
  explicit parser(const parse_options& options) : options_(options) {}

  std::vector<family> run(std::string_view text) {
    if (const auto bad = invalid_utf8_at(text); bad != std::string_view::npos) {
      std::size_t line = 1;
      for (std::size_t i = 0; i < bad; ++i)
        line += text[i] == '\n';
      throw parse_error(line, "invalid UTF-8");
    }
    std::size_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      ++number;
      const auto end = text.find('\n', start);
      if (end == std::string_view::npos)
        throw parse_error(number, "the last line must end with a line feed");
      line(cursor{text.substr(start, end - start), number});
      start = end + 1;
    }
    for (const auto& f : families_)
      check_family(f);
    return std::move(families_);
  }

private:
  std::vector<family>& families() { return families_; }

  void line(cursor c) {
    c.skip_blanks();
    if (c.at_end())
      return; // an empty line
    if (c.peek() == '#')
      return comment(c);
    sample_line(c);
  }

  void comment(cursor& c) {
    c.advance();
    c.skip_blanks();
    const auto keyword = c.token();
    if (keyword != "HELP" && keyword != "TYPE")
      return; // a plain comment
    if (c.skip_blanks() == 0)
      c.fail(std::string{keyword} + " line without a metric name");
    const auto name = c.token();
    if (!valid_metric_name(name))
      c.fail("invalid metric name '" + std::string{name} + "' in " + std::string{keyword} +
             " line");
    family& f = declare(c, std::string{name});
    if (keyword == "HELP") {
      if (f.help)
        c.fail("second HELP line for '" + f.name + "'");
      std::string help;
      if (c.skip_blanks() > 0)
        help = unescape_help(c, c.rest());
      f.help = std::move(help);
      return;
    }
    if (f.type_declared)
      c.fail("second TYPE line for '" + f.name + "'");
    if (!f.samples.empty())
      c.fail("TYPE line for '" + f.name + "' after its samples");
    if (c.skip_blanks() == 0)
      c.fail("TYPE line for '" + f.name + "' without a type");
    const auto type = c.token();
    if (type == "counter")
      f.type = metric_type::counter;
    else if (type == "gauge")
      f.type = metric_type::gauge;
    else if (type == "histogram")
      f.type = metric_type::histogram;
    else if (type == "summary")
      f.type = metric_type::summary;
    else if (type == "untyped")
      f.type = metric_type::untyped;
    else
      c.fail("unknown metric type '" + std::string{type} + "'");
    c.expect_end("the TYPE line");
    f.type_declared = true;
    claim(c, f, current_);
  }

  /// The family a HELP or TYPE line names: the current group's, or a new one.
  family& declare(cursor& c, const std::string& name) {
    if (const auto it = claimed_.find(name); it != claimed_.end()) {
      family& owner = families()[it->second];
      if (owner.name != name)
        c.fail("'" + name + "' collides with the samples of family '" + owner.name + "'");
      if (it->second != current_)
        c.fail("lines of family '" + name + "' are not in one group");
      return owner;
    }
    return open(c, name);
  }

  family& open(cursor& c, const std::string& name) {
    families().push_back(family{name, metric_type::untyped, false, std::nullopt, {}, 0});
    current_ = families().size() - 1;
    families().back().line = c.number();
    claim(c, families().back(), current_);
    return families().back();
  }

  /// Reserves the sample names of `f`'s type (histogram: name_bucket, _sum, _count too).
  void claim(cursor& c, const family& f, std::size_t index) {
    for (const auto& n : sample_names(f.name, f.type)) {
      const auto [it, inserted] = claimed_.emplace(n, index);
      if (!inserted && it->second != index)
        c.fail("sample name '" + n + "' of family '" + f.name + "' collides with family '" +
               families()[it->second].name + "'");
    }
  }

  void sample_line(cursor& c) {
    const auto name_view = c.take_while(is_metric_char);
    if (name_view.empty())
      c.fail(std::string{"expected a metric name, found '"} + c.peek() + "'");
    const std::string name{name_view};
    if (!valid_metric_name(name))
      c.fail("invalid metric name '" + name + "'");
    label_set labels;
    if (c.peek() == '{')
      labels = read_labels(c);
    if (c.at_end())
      c.fail("sample '" + name + "' without a value");
    if (c.skip_blanks() == 0)
      c.fail(std::string{"unexpected '"} + c.peek() + "' after the name and labels of '" + name +
             "'");
    if (c.at_end())
      c.fail("sample '" + name + "' without a value");
    const auto value_token = c.token();
    const auto value = parse_float(value_token);
    if (!value)
      c.fail("invalid value '" + std::string{value_token} + "' of '" + name + "'");
    std::optional<std::int64_t> timestamp;
    if (c.skip_blanks() > 0 && !c.at_end()) {
      const auto ts_token = c.token();
      timestamp = parse_timestamp(ts_token);
      if (!timestamp)
        c.fail("invalid timestamp '" + std::string{ts_token} + "' of '" + name + "'");
    }
    c.expect_end("the sample of '" + name + "'");

    family& f = family_of(c, name);
    check_sample(c, f, name, labels, *value);
    if (!series_.emplace(name, labels).second)
      c.fail("series " + describe(name, labels) + " given twice");
    f.samples.push_back(sample{name, std::move(labels), *value, timestamp, c.number()});
  }

  family& family_of(cursor& c, const std::string& name) {
    if (const auto it = claimed_.find(name); it != claimed_.end()) {
      family& f = families()[it->second];
      if (it->second != current_)
        c.fail("sample '" + name + "' of family '" + f.name + "' outside the family's group");
      if (options_.require_type && !f.type_declared)
        c.fail("sample '" + name + "' before the TYPE line of '" + f.name + "'");
      return f;
    }
    if (options_.require_type)
      c.fail("sample '" + name + "' before its TYPE line (no family '" + name + "' declared)");
    return open(c, name);
  }

  static bool is_float_label(const label_set& labels, const std::string& key, double& out) {
    const auto it = labels.find(key);
    if (it == labels.end())
      return false;
    const auto v = parse_float(it->second);
    if (!v || std::isnan(*v))
      return false;
    out = *v;
    return true;
  }

  void check_sample(cursor& c, const family& f, const std::string& name, const label_set& labels,
                    double value) {
    const auto type_name = std::string{to_string(f.type)};
    switch (f.type) {
      case metric_type::counter:
      case metric_type::gauge:
      case metric_type::untyped:
        if (name != f.name)
          c.fail("sample '" + name + "' does not match " + type_name + " family '" + f.name + "'");
        if (f.type == metric_type::counter && value < 0)
          c.fail("counter " + describe(name, labels) + " is negative");
        return;
      case metric_type::histogram: {
        double le = 0;
        if (name == f.name + "_bucket") {
          if (!labels.contains("le"))
            c.fail("histogram bucket " + describe(name, labels) + " without an le label");
          if (!is_float_label(labels, "le", le))
            c.fail("histogram bucket " + describe(name, labels) + " with an invalid le");
        } else if (name == f.name + "_sum" || name == f.name + "_count") {
          if (labels.contains("le"))
            c.fail("histogram sample " + describe(name, labels) + " must not have an le label");
        } else {
          c.fail("histogram '" + f.name + "' sample '" + name +
                 "' must be named _bucket, _sum or _count");
        }
        if (name != f.name + "_sum" && (value < 0 || std::isnan(value)))
          c.fail("histogram count " + describe(name, labels) + " is not a non-negative number");
        return;
      }
      case metric_type::summary: {
        double q = 0;
        if (name == f.name) {
          if (!is_float_label(labels, "quantile", q) || q < 0 || q > 1)
            c.fail("summary sample " + describe(name, labels) + " needs a quantile in [0, 1]");
        } else if (name == f.name + "_sum" || name == f.name + "_count") {
          if (labels.contains("quantile"))
            c.fail("summary sample " + describe(name, labels) + " must not have a quantile label");
          if (name == f.name + "_count" && (value < 0 || std::isnan(value)))
            c.fail("summary count " + describe(name, labels) + " is not a non-negative number");
        } else {
          c.fail("summary '" + f.name + "' sample '" + name + "' must be named _sum or _count");
        }
        return;
      }
    }
  }

  /// Whole-family rules, once every line is read.
  void check_family(const family& f) const {
    if (options_.require_help && !f.help)
      throw parse_error(f.line, "family '" + f.name + "' has no HELP line");
    if (f.type != metric_type::histogram && f.type != metric_type::summary)
      return;
    const std::string split = f.type == metric_type::histogram ? "le" : "quantile";
    struct group {
      std::size_t line = 0;
      std::vector<std::pair<double, const sample*>> buckets;
      const sample* sum = nullptr;
      const sample* count = nullptr;
    };
    std::vector<std::pair<label_set, group>> groups; // in order of appearance
    auto group_of = [&](const sample& s) -> group& {
      label_set key = s.labels;
      key.erase(split);
      for (auto& [k, g] : groups)
        if (k == key)
          return g;
      groups.emplace_back(std::move(key), group{s.line, {}, nullptr, nullptr});
      return groups.back().second;
    };
    for (const auto& s : f.samples) {
      group& g = group_of(s);
      if (s.name == f.name + "_sum")
        g.sum = &s;
      else if (s.name == f.name + "_count")
        g.count = &s;
      else if (f.type == metric_type::histogram)
        g.buckets.emplace_back(*parse_float(s.labels.at("le")), &s);
    }
    for (const auto& [labels, g] : groups) {
      const auto what = describe(f.name, labels);
      if (!g.sum)
        throw parse_error(g.line, f.type == metric_type::histogram
                                      ? "histogram " + what + " without _sum"
                                      : "summary " + what + " without _sum");
      if (!g.count)
        throw parse_error(g.line, f.type == metric_type::histogram
                                      ? "histogram " + what + " without _count"
                                      : "summary " + what + " without _count");
      if (f.type != metric_type::histogram)
        continue;
      for (std::size_t i = 1; i < g.buckets.size(); ++i) {
        const auto& [le, s] = g.buckets[i];
        const auto& [prev_le, prev] = g.buckets[i - 1];
        if (!(le > prev_le))
          throw parse_error(s->line, "histogram " + what + " bucket le=\"" + s->labels.at("le") +
                                         "\" does not follow le=\"" + prev->labels.at("le") +
                                         "\" in increasing order");
        if (s->value < prev->value)
          throw parse_error(s->line, "histogram " + what + " buckets are not cumulative at le=\"" +
                                         s->labels.at("le") + "\"");
      }
      if (g.buckets.empty() || !std::isinf(g.buckets.back().first))
        throw parse_error(g.line, "histogram " + what + " without a +Inf bucket");
      if (g.buckets.back().second->value != g.count->value)
        throw parse_error(g.count->line, "histogram " + what + ": +Inf bucket (" +
                                             std::to_string(g.buckets.back().second->value) +
                                             ") differs from _count (" +
                                             std::to_string(g.count->value) + ")");
    }
  }

  const parse_options& options_;
  std::vector<family> families_;
  std::map<std::string, std::size_t> claimed_; ///< sample name → family index
  std::set<std::pair<std::string, label_set>> series_;
  std::size_t current_ = std::numeric_limits<std::size_t>::max();
};

} // namespace

const family* exposition::find_family(std::string_view name) const {
  for (const auto& f : families_)
    if (f.name == name)
      return &f;
  return nullptr;
}

std::optional<metric_type> exposition::type(std::string_view family_name) const {
  const auto* f = find_family(family_name);
  return f ? std::optional{f->type} : std::nullopt;
}

std::optional<std::string> exposition::help(std::string_view family_name) const {
  const auto* f = find_family(family_name);
  return f ? f->help : std::nullopt;
}

const sample* exposition::find(std::string_view sample_name, const label_set& labels) const {
  for (const auto& f : families_)
    for (const auto& s : f.samples)
      if (s.name == sample_name && s.labels == labels)
        return &s;
  return nullptr;
}

double exposition::value(std::string_view sample_name, const label_set& labels) const {
  if (const auto* s = find(sample_name, labels))
    return s->value;
  throw std::out_of_range("no series " + describe(sample_name, labels));
}

std::vector<const sample*> exposition::series(std::string_view sample_name) const {
  std::vector<const sample*> out;
  for (const auto& f : families_)
    for (const auto& s : f.samples)
      if (s.name == sample_name)
        out.push_back(&s);
  return out;
}

std::vector<std::pair<double, double>> exposition::buckets(std::string_view histogram_name,
                                                           const label_set& labels) const {
  std::vector<std::pair<double, double>> out;
  const auto bucket_name = std::string{histogram_name} + "_bucket";
  for (const auto* s : series(bucket_name)) {
    auto rest = s->labels;
    const auto le = rest.find("le");
    if (le == rest.end())
      continue;
    const auto bound = parse_float(le->second);
    rest.erase(le);
    if (rest == labels && bound)
      out.emplace_back(*bound, s->value);
  }
  return out;
}

std::size_t exposition::sample_count() const {
  std::size_t n = 0;
  for (const auto& f : families_)
    n += f.samples.size();
  return n;
}

exposition parse(std::string_view text, const parse_options& options) {
  exposition e;
  e.families_ = parser{options}.run(text);
  return e;
}

} // namespace hookd::test::prometheus
