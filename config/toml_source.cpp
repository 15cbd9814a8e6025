// The TOML file layer (sources.hpp). This is the only unit that includes toml++, which is slow
// to compile. Every key must be known: a typo in a section or key name is an error, never a
// silently ignored line.
#include "config/sources.hpp"

#include "config/load.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

namespace hookd::config {
namespace {

std::string where(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

/// The node as it would appear in an error: strings bare, everything else in TOML syntax.
std::string render(const toml::node& node) {
  if (const auto* s = node.as_string())
    return s->get();
  std::ostringstream out;
  node.visit([&out](const auto& n) { out << n; });
  return out.str();
}

std::string mismatch(std::string_view expected, const toml::node& node) {
  std::ostringstream out;
  out << "must be " << expected << " (found a TOML " << node.type() << ")";
  return out.str();
}

/// An integer node that fits in T, or the reason it does not.
template <class T>
std::string read_integer(const toml::node& node, T& out) {
  const auto* i = node.as_integer();
  if (!i)
    return mismatch(std::is_signed_v<T> ? "an integer" : "a non-negative integer", node);
  const std::int64_t v = i->get();
  if (v < 0 && !std::is_signed_v<T>)
    return "must be a non-negative integer";
  if (std::cmp_less(v, std::numeric_limits<T>::min()) ||
      std::cmp_greater(v, std::numeric_limits<T>::max()))
    return "is out of range";
  out = static_cast<T>(v);
  return {};
}

std::string read_number(const toml::node& node, double& out) {
  double v = 0;
  if (const auto* f = node.as_floating_point())
    v = f->get();
  else if (const auto* i = node.as_integer())
    v = static_cast<double>(i->get());
  else
    return mismatch("a number", node);
  if (!std::isfinite(v))
    return "must be a finite number";
  out = v;
  return {};
}

std::string read_duration(const toml::node& node, duration& out) {
  const auto* s = node.as_string();
  if (!s)
    return mismatch("a duration string like \"15s\"", node);
  const std::optional<duration> d = parse_duration(s->get());
  if (!d)
    return duration_refusal(s->get());
  out = *d;
  return {};
}

std::string read_int_list(const toml::node& node, std::vector<int>& out) {
  const auto* array = node.as_array();
  if (!array)
    return mismatch("an array of integers like [404, 410]", node);
  std::vector<int> values;
  for (const toml::node& element : *array) {
    int v = 0;
    if (!read_integer(element, v).empty())
      return "must be an array of integers like [404, 410]";
    values.push_back(v);
  }
  out = std::move(values);
  return {};
}

std::string read_string_list(const toml::node& node, std::vector<std::string>& out) {
  const auto* array = node.as_array();
  if (!array)
    return mismatch("an array of strings like [\"10.1.0.0/16\"]", node);
  std::vector<std::string> values;
  for (const toml::node& element : *array) {
    const auto* s = element.as_string();
    if (!s)
      return "must be an array of strings like [\"10.1.0.0/16\"]";
    values.push_back(s->get());
  }
  out = std::move(values);
  return {};
}

/// Stores `node` into `field`; "" on success, otherwise why it does not fit.
std::string assign_node(const field_ref& field, const toml::node& node) {
  return std::visit(overloaded{
                        [&](std::string* v) -> std::string {
                          const auto* s = node.as_string();
                          if (!s)
                            return mismatch("a string", node);
                          *v = s->get();
                          return {};
                        },
                        [&](int* v) { return read_integer(node, *v); },
                        [&](std::size_t* v) { return read_integer(node, *v); },
                        [&](double* v) { return read_number(node, *v); },
                        [&](bool* v) -> std::string {
                          const auto* b = node.as_boolean();
                          if (!b)
                            return mismatch("true or false", node);
                          *v = b->get();
                          return {};
                        },
                        [&](duration* v) { return read_duration(node, *v); },
                        [&](std::vector<int>* v) { return read_int_list(node, *v); },
                        [&](std::vector<std::string>* v) { return read_string_list(node, *v); },
                    },
                    field);
}

std::string suggestion(std::string_view unknown) {
  const std::string known = did_you_mean(unknown);
  return known.empty() ? "" : " (did you mean " + known + "?)";
}

/// One `key = value` of the file, inside a known section.
struct entry {
  std::string section;
  std::string key;
  const toml::node* node;
};

void apply_key(const std::string& path, const entry& e, layered_config& target) {
  const std::string name = e.section + "." + e.key;
  const std::string source = where(path, *e.node);
  const option* o = find_option(e.section, e.key);
  if (!o) {
    target.errors.push_back("unknown key " + name + " in " + source + suggestion(name));
    return;
  }
  const std::string raw = render(*e.node);
  const std::string reason = assign_node(o->field(target.cfg), *e.node);
  if (!reason.empty())
    target.errors.push_back(invalid_value(*o, source, reason, raw));
  else
    target.origins[o->name()] = origin{source, raw};
}

/// Adds the keys of one top-level entry to `entries`, or records why the entry is refused.
void collect_section(const std::string& path, const std::string& section, const toml::node& node,
                     std::vector<entry>& entries, layered_config& target) {
  if (!is_section(section)) {
    target.errors.push_back("unknown section [" + section + "] in " + where(path, node) +
                            suggestion(section));
    return;
  }
  const auto* table = node.as_table();
  if (!table) {
    target.errors.push_back(section + " must be a table ([" + section + "]) in " +
                            where(path, node));
    return;
  }
  for (const auto& [key, value] : *table)
    entries.push_back(entry{section, std::string(key.str()), &value});
}

std::optional<std::string> read_file(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

void apply_toml_file(const std::string& path, layered_config& target) {
  const std::optional<std::string> text = read_file(path);
  if (!text) {
    target.errors.push_back("cannot read config file " + path + ": " +
                            std::generic_category().message(errno));
    return;
  }
  toml::table root;
  try {
    root = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    target.errors.push_back(
        "cannot parse config file " + path + ":" + std::to_string(e.source().begin.line) + ":" +
        std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
    return;
  }
  std::vector<entry> entries;
  for (const auto& [section, node] : root)
    collect_section(path, std::string(section.str()), node, entries, target);
  // toml++ iterates keys alphabetically; report in file order instead.
  std::stable_sort(entries.begin(), entries.end(), [](const entry& a, const entry& b) {
    return a.node->source().begin.line < b.node->source().begin.line;
  });
  for (const entry& e : entries)
    apply_key(path, e, target);
}

} // namespace hookd::config
