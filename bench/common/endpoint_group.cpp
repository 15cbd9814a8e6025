#include "bench/common/endpoint_group.hpp"

#include "bench/common/toml_read.hpp"
#include "config/load.hpp"

#include <set>

namespace hookd::bench {

double parse_seconds(const std::string& text, const std::string& what) {
  auto d = config::parse_duration(text);
  if (!d)
    throw std::runtime_error(what + ": not a duration (\"250ms\", \"15s\", \"2m\", \"1h\"): \"" +
                             text + "\"");
  return static_cast<double>(d->count()) / 1000.0;
}

std::optional<double> toml_reader::seconds(const std::string& key) const {
  auto s = string(key);
  if (!s)
    return std::nullopt;
  return parse_seconds(*s, where + "." + key);
}

namespace {

nlohmann::json to_json(const toml::node& n) {
  if (n.is_integer())
    return *n.value<std::int64_t>();
  if (n.is_floating_point())
    return *n.value<double>();
  if (n.is_boolean())
    return *n.value<bool>();
  if (n.is_string())
    return *n.value<std::string>();
  if (auto* a = n.as_array()) {
    auto out = nlohmann::json::array();
    for (auto& item : *a)
      out.push_back(to_json(item));
    return out;
  }
  if (auto* t = n.as_table()) {
    auto out = nlohmann::json::object();
    for (auto& [k, v] : *t)
      out[std::string{k.str()}] = to_json(v);
    return out;
  }
  throw std::runtime_error("unsupported TOML value (dates are not supported)");
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40)
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

latency_spec parse_latency(const toml_reader& r, const std::string& text) {
  // "none" | "fixed:20ms" | "uniform:5ms:50ms" | "exp:10ms"
  latency_spec l;
  if (text == "none")
    return l;
  auto parts = std::vector<std::string>{};
  std::size_t start = 0;
  for (;;) {
    auto colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos)
      break;
    start = colon + 1;
  }
  auto ms = [&](const std::string& s) { return parse_seconds(s, r.where + ".latency") * 1000.0; };
  if (parts[0] == "fixed" && parts.size() == 2) {
    l.shape = latency_spec::kind::fixed;
    l.a_ms = ms(parts[1]);
  } else if (parts[0] == "uniform" && parts.size() == 3) {
    l.shape = latency_spec::kind::uniform;
    l.a_ms = ms(parts[1]);
    l.b_ms = ms(parts[2]);
    if (l.b_ms < l.a_ms)
      r.fail("latency", "uniform bounds must be ordered");
  } else if (parts[0] == "exp" && parts.size() == 2) {
    l.shape = latency_spec::kind::exponential;
    l.a_ms = ms(parts[1]);
  } else {
    r.fail("latency", "expected \"none\", \"fixed:<d>\", \"uniform:<d>:<d>\" or \"exp:<mean>\"");
  }
  return l;
}

double ratio(const toml_reader& r, const std::string& key, double fallback) {
  auto v = r.number(key);
  if (!v)
    return fallback;
  if (*v < 0 || *v > 1)
    r.fail(key, "must be between 0 and 1");
  return *v;
}

endpoint_group parse_group(const toml::table& t, std::size_t i) {
  toml_reader r{t, "groups[" + std::to_string(i) + "]"};
  r.only({"name", "count", "weight", "outages", "outage", "outage_status", "gone_after",
          "gone_status", "hang_ratio", "throttle_ratio", "retry_after_s", "fail_ratio",
          "fail_statuses", "latency", "record", "endpoint", "expect"});
  endpoint_group g;
  g.name = r.string("name").value_or("");
  if (!valid_name(g.name))
    r.fail("name", "required: 1-40 characters a-z, 0-9 or _");
  r.where = "groups." + g.name;
  if (auto c = r.integer("count")) {
    if (*c < 1)
      r.fail("count", "must be >= 1");
    g.count = static_cast<std::size_t>(*c);
  }
  if (auto w = r.number("weight")) {
    if (*w < 0)
      r.fail("weight", "must be >= 0");
    g.weight = *w;
  }
  if (auto* arr = t.get_as<toml::array>("outages")) {
    for (auto& item : *arr) {
      auto* pair = item.as_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string())
        r.fail("outages", "must be a list of [\"from\", \"to\"] durations");
      time_window w{parse_seconds(*(*pair)[0].value<std::string>(), r.where + ".outages"),
                    parse_seconds(*(*pair)[1].value<std::string>(), r.where + ".outages")};
      if (w.to_s <= w.from_s)
        r.fail("outages", "each window must end after it starts");
      g.outages.push_back(w);
    }
  } else if (t.get("outages")) {
    r.fail("outages", "must be a list of [\"from\", \"to\"] durations");
  }
  if (auto o = r.string("outage")) {
    if (*o == "status")
      g.outage = outage_action::status;
    else if (*o == "close")
      g.outage = outage_action::close;
    else if (*o == "hang")
      g.outage = outage_action::hang;
    else
      r.fail("outage", "must be \"status\", \"close\" or \"hang\"");
  }
  g.outage_status = static_cast<int>(r.integer("outage_status").value_or(503));
  g.gone_after = r.integer("gone_after").value_or(-1);
  g.gone_status = static_cast<int>(r.integer("gone_status").value_or(410));
  g.hang_ratio = ratio(r, "hang_ratio", 0);
  g.throttle_ratio = ratio(r, "throttle_ratio", 0);
  g.retry_after_s = static_cast<int>(r.integer("retry_after_s").value_or(1));
  g.fail_ratio = ratio(r, "fail_ratio", 0);
  if (auto s = r.integers("fail_statuses")) {
    if (s->empty())
      r.fail("fail_statuses", "must not be empty");
    g.fail_statuses = *s;
  }
  for (int s : g.fail_statuses)
    if (s < 100 || s > 599)
      r.fail("fail_statuses", "statuses must be 100..599");
  if (auto l = r.string("latency"))
    g.latency = parse_latency(r, *l);
  g.record = r.boolean("record").value_or(true);
  if (auto* ep = r.subtable("endpoint"))
    g.endpoint_fields = to_json(*ep);
  if (auto* ex = r.subtable("expect")) {
    toml_reader e{*ex, r.where + ".expect"};
    e.only({"delivered_ratio", "exhausted_max", "disabled_reason", "enabled", "max_attempts",
            "disable_after_min", "disable_after_max"});
    g.expect_delivered_ratio = e.number("delivered_ratio");
    if (auto v = e.integer("exhausted_max"))
      g.expect_exhausted_max = static_cast<std::size_t>(*v);
    g.expect_disabled_reason = e.string("disabled_reason");
    g.expect_enabled = e.boolean("enabled");
    if (auto v = e.integer("max_attempts"))
      g.expect_max_attempts = static_cast<std::size_t>(*v);
    g.expect_disable_after_min_s = e.seconds("disable_after_min");
    g.expect_disable_after_max_s = e.seconds("disable_after_max");
  }
  return g;
}

} // namespace

std::vector<endpoint_group> parse_groups_table(const toml::table& root) {
  auto* arr = root.get_as<toml::array>("groups");
  if (!arr || arr->empty())
    throw std::runtime_error("the scenario has no [[groups]]");
  std::vector<endpoint_group> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto* t = (*arr)[i].as_table();
    if (!t)
      throw std::runtime_error("groups[" + std::to_string(i) + "] must be a table");
    out.push_back(parse_group(*t, i));
    if (!names.insert(out.back().name).second)
      throw std::runtime_error("groups: duplicate name \"" + out.back().name + "\"");
  }
  return out;
}

std::vector<endpoint_group> load_groups(const std::string& scenario_path) {
  toml::table root;
  try {
    root = toml::parse_file(scenario_path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(scenario_path + ": " + std::string{e.description()});
  }
  return parse_groups_table(root);
}

std::size_t total_endpoints(const std::vector<endpoint_group>& groups) {
  std::size_t n = 0;
  for (const auto& g : groups)
    n += g.count;
  return n;
}

} // namespace hookd::bench
