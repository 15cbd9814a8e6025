// Conformance of the API documents with the router: docs/openapi.yaml must describe exactly the
// native routes hookd::api::all_routes() serves (with a 4xx response each, and bearer security
// on exactly the routes that need auth), and docs/api.md must mention every one of them; the
// Svix-compatible routes (under /api/) are described by docs/svix-openapi.json and docs/svix.md
// in the same way.
//
// No YAML library is available, so openapi.yaml is read with the small line-based reader
// below. It relies on the file's documented conventions: 2-space indentation, one key per
// line, paths at indent 2, methods at indent 4, operation keys at indent 6, no anchors,
// aliases or flow mappings (except "[]").
#include "api/router.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef HOOKD_SOURCE_DIR
#error "HOOKD_SOURCE_DIR must name the repository root (see tests/CMakeLists.txt)"
#endif

namespace {

const std::string openapi_file = std::string(HOOKD_SOURCE_DIR) + "/docs/openapi.yaml";
const std::string api_md_file = std::string(HOOKD_SOURCE_DIR) + "/docs/api.md";
const std::string svix_openapi_file = std::string(HOOKD_SOURCE_DIR) + "/docs/svix-openapi.json";
const std::string svix_md_file = std::string(HOOKD_SOURCE_DIR) + "/docs/svix.md";

bool is_svix(std::string_view path) {
  return hookd::api::dialect_of(path) == hookd::api::api_dialect::svix;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every "{...}" becomes "{}", so "/v1/endpoints/{endpoint_id}" and "/v1/endpoints/{id}" compare
/// equal.
std::string normalise(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      const auto close = path.find('}', i);
      if (close != std::string_view::npos && path.substr(i, close - i).find('\n') == std::string_view::npos) {
        out += "{}";
        i = close;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return std::string{s};
}

/// One meaningful line: its indentation, whether it is a list item ("- ..."), and the key and
/// value of "key: value" (after the "- " of a list item); key is empty for a bare scalar.
struct yaml_line {
  int number = 0;
  std::size_t indent = 0;
  bool item = false;
  std::string key;
  std::string value;
};

/// Splits "key: value" / "key:" (keys may be quoted); nullopt for a bare scalar.
std::optional<std::pair<std::string, std::string>> split_key(std::string_view s) {
  std::size_t colon = std::string_view::npos;
  if (!s.empty() && (s.front() == '\'' || s.front() == '"')) {
    const auto close = s.find(s.front(), 1);
    if (close != std::string_view::npos && close + 1 < s.size() && s[close + 1] == ':')
      colon = close + 1;
  } else {
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) {
        colon = i;
        break;
      }
  }
  if (colon == std::string_view::npos)
    return std::nullopt;
  return std::make_pair(unquote(s.substr(0, colon)), std::string{trim(s.substr(colon + 1))});
}

struct operation {
  int line = 0;
  std::string method; ///< upper case
  std::string path;   ///< as written
  std::set<std::string> responses;
  bool security_key = false;         ///< the operation has its own "security:"
  std::vector<std::string> security; ///< scheme names listed under it
  std::vector<std::string> parameter_refs;            ///< "$ref" names of components/parameters
  std::vector<std::pair<std::string, std::string>> inline_parameters; ///< (name, in)
};

struct openapi_doc {
  std::vector<operation> operations;
  bool top_security_key = false;
  std::vector<std::string> top_security;
  std::map<std::string, std::pair<std::string, std::string>> component_parameters; ///< key -> (name, in)
  std::set<std::string> security_schemes;
  std::vector<std::string> problems; ///< violations of the file's conventions
};

bool is_method(const std::string& key) {
  static const std::set<std::string> methods{"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  return methods.count(key) > 0;
}

std::string security_name(const yaml_line& l) {
  // "- bearerAuth: []"
  return l.key.empty() ? unquote(l.value) : l.key;
}

openapi_doc parse_openapi(const std::string& text) {
  openapi_doc doc;
  std::vector<yaml_line> lines;
  {
    std::istringstream in(text);
    std::string raw;
    int number = 0;
    constexpr auto no_block = std::string::npos;
    std::size_t block_indent = no_block; // inside a block scalar started at this indent
    while (std::getline(in, raw)) {
      ++number;
      if (!raw.empty() && raw.back() == '\r')
        raw.pop_back();
      if (raw.find('\t') != std::string::npos)
        doc.problems.push_back("line " + std::to_string(number) + ": tab character");
      const auto indent = raw.find_first_not_of(' ');
      if (indent == std::string::npos)
        continue; // blank (also inside block scalars)
      if (block_indent != no_block && indent > block_indent)
        continue; // text of a block scalar
      block_indent = no_block;
      std::string_view content = trim(std::string_view{raw}.substr(indent));
      if (content.front() == '#')
        continue;
      yaml_line l;
      l.number = number;
      l.indent = indent;
      if (content.starts_with("- ") || content == "-") {
        l.item = true;
        content = trim(content.substr(1));
      }
      if (auto kv = split_key(content)) {
        l.key = kv->first;
        l.value = kv->second;
      } else {
        l.value = unquote(content);
      }
      if (indent % 2 != 0)
        doc.problems.push_back("line " + std::to_string(number) + ": indentation is not a multiple of 2");
      if (l.key == "<<" || l.value.starts_with("&") || l.value.starts_with("*"))
        doc.problems.push_back("line " + std::to_string(number) + ": anchor, alias or merge key");
      if (l.value.starts_with("{"))
        doc.problems.push_back("line " + std::to_string(number) + ": flow mapping");
      static const std::set<std::string> block_markers{">", ">-", ">+", "|", "|-", "|+"};
      if (block_markers.count(l.value) > 0)
        block_indent = indent;
      lines.push_back(std::move(l));
    }
  }

  std::string section;      // indent 0 key
  std::string path;         // current path under "paths"
  operation* op = nullptr;  // current operation
  std::string op_part;      // its indent-6 key: responses, security, parameters, ...
  std::string component;    // indent-2 key under "components"
  std::string component_name;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    const auto where = "line " + std::to_string(l.number) + ": ";
    if (l.indent == 0) {
      section = l.key;
      op = nullptr;
      path.clear();
      if (section == "security") {
        doc.top_security_key = true;
        for (std::size_t j = i + 1; j < lines.size() && lines[j].indent > 0; ++j)
          if (lines[j].item)
            doc.top_security.push_back(security_name(lines[j]));
      }
      continue;
    }
    if (section == "paths") {
      if (l.indent == 2) {
        if (l.key.empty() || l.key.front() != '/' || !l.value.empty())
          doc.problems.push_back(where + "expected a path key at indent 2");
        path = l.key;
        op = nullptr;
      } else if (l.indent == 4) {
        op = nullptr;
        if (is_method(l.key)) {
          doc.operations.push_back(operation{l.number, upper(l.key), path, {}, false, {}, {}, {}});
          op = &doc.operations.back();
        }
      } else if (op != nullptr && l.indent == 6) {
        op_part = l.key;
        if (l.key == "security") {
          op->security_key = true;
          if (!l.value.empty() && l.value != "[]")
            doc.problems.push_back(where + "security must be [] or a block list");
        }
      } else if (op != nullptr && l.indent == 8) {
        if (op_part == "responses" && !l.item)
          op->responses.insert(l.key);
        else if (op_part == "security" && l.item)
          op->security.push_back(security_name(l));
        else if (op_part == "parameters" && l.item) {
          if (l.key == "$ref") {
            const auto ref = unquote(l.value);
            op->parameter_refs.push_back(ref.substr(ref.rfind('/') + 1));
          } else {
            // An inline parameter: "- name: x" followed by "in: path" at indent 10.
            std::string name = l.key == "name" ? unquote(l.value) : "";
            std::string in;
            if (l.key == "in")
              in = unquote(l.value);
            for (std::size_t j = i + 1; j < lines.size() && lines[j].indent == 10 && !lines[j].item; ++j) {
              if (lines[j].key == "name")
                name = unquote(lines[j].value);
              if (lines[j].key == "in")
                in = unquote(lines[j].value);
            }
            op->inline_parameters.emplace_back(name, in);
          }
        }
      }
    } else if (section == "components") {
      if (l.indent == 2) {
        component = l.key;
      } else if (l.indent == 4) {
        component_name = l.key;
        if (component == "securitySchemes")
          doc.security_schemes.insert(l.key);
      } else if (l.indent == 6 && component == "parameters") {
        auto& p = doc.component_parameters[component_name];
        if (l.key == "name")
          p.first = unquote(l.value);
        if (l.key == "in")
          p.second = unquote(l.value);
      }
    }
  }
  return doc;
}

const openapi_doc& openapi() {
  static const openapi_doc doc = parse_openapi(read_text(openapi_file));
  return doc;
}

using route_key = std::pair<std::string, std::string>; // (METHOD, normalised path)

/// The routes of one dialect: the native API's or (svix) the Svix-compatible API's.
std::set<route_key> router_routes(bool svix = false) {
  std::set<route_key> out;
  for (const auto& r : hookd::api::all_routes())
    if (is_svix(r.path) == svix)
      out.emplace(std::string{r.method}, normalise(r.path));
  return out;
}

const hookd::api::route_info* find_route(const operation& op) {
  for (const auto& r : hookd::api::all_routes())
    if (r.method == op.method && normalise(r.path) == normalise(op.path))
      return &r;
  return nullptr;
}

std::string describe(const route_key& k) { return k.first + " " + k.second; }

} // namespace

TEST_CASE("openapi.yaml follows the conventions its line-based reader relies on", "[api][docs]") {
  const auto& doc = openapi();
  for (const auto& p : doc.problems)
    FAIL_CHECK(p);
  CHECK(doc.problems.empty());
  CHECK(doc.operations.size() >= 2); // the reader found something at all
}

TEST_CASE("openapi.yaml describes exactly the routes the router serves", "[api][docs]") {
  const auto& doc = openapi();
  std::set<route_key> documented;
  for (const auto& op : doc.operations) {
    INFO("openapi.yaml line " << op.line << ": " << op.method << " " << op.path);
    CHECK(documented.emplace(op.method, normalise(op.path)).second); // no duplicates
  }
  const auto served = router_routes();
  for (const auto& k : served)
    if (documented.count(k) == 0)
      FAIL_CHECK("served but not in openapi.yaml: " << describe(k));
  for (const auto& k : documented)
    if (served.count(k) == 0)
      FAIL_CHECK("in openapi.yaml but not served: " << describe(k));
  CHECK(documented == served);
  CHECK(served.size() + router_routes(true).size() ==
        hookd::api::all_routes().size()); // the router has no duplicates either
}

TEST_CASE("svix-openapi.json describes exactly the Svix-compatible routes, each with a 4xx and "
          "bearer security",
          "[api][docs]") {
  const auto doc = nlohmann::json::parse(read_text(svix_openapi_file));
  std::set<route_key> documented;
  for (const auto& [path, item] : doc.at("paths").items())
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters")
        continue;
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      INFO(upper << " " << path);
      CHECK(documented.emplace(upper, normalise(path)).second);
      bool has_4xx = false;
      for (const auto& [code, response] : op.at("responses").items())
        has_4xx = has_4xx || (code.size() == 3 && code[0] == '4');
      CHECK(has_4xx);
      const bool secured = op.contains("security") ? !op.at("security").empty()
                                                   : doc.contains("security") && !doc.at("security").empty();
      CHECK(secured);
    }
  const auto served = router_routes(true);
  for (const auto& k : served)
    if (documented.count(k) == 0)
      FAIL_CHECK("served but not in svix-openapi.json: " << describe(k));
  for (const auto& k : documented)
    if (served.count(k) == 0)
      FAIL_CHECK("in svix-openapi.json but not served: " << describe(k));
  CHECK(documented == served);
}

TEST_CASE("every operation in openapi.yaml declares a 4xx response", "[api][docs]") {
  for (const auto& op : openapi().operations) {
    INFO("openapi.yaml line " << op.line << ": " << op.method << " " << op.path);
    const bool has_4xx = std::any_of(op.responses.begin(), op.responses.end(), [](const std::string& code) {
      return code.size() == 3 && code[0] == '4';
    });
    CHECK(has_4xx);
    const bool has_2xx = std::any_of(op.responses.begin(), op.responses.end(), [](const std::string& code) {
      return code.size() == 3 && code[0] == '2';
    });
    CHECK(has_2xx);
  }
}

TEST_CASE("exactly the routes that need auth declare bearer security", "[api][docs]") {
  const auto& doc = openapi();
  CHECK(doc.security_schemes.count("bearerAuth") == 1);
  for (const auto& op : doc.operations) {
    INFO("openapi.yaml line " << op.line << ": " << op.method << " " << op.path);
    const auto* route = find_route(op);
    if (route == nullptr)
      continue; // reported by the route-set test
    const auto& effective = op.security_key ? op.security : doc.top_security;
    if (route->needs_auth) {
      CHECK(std::find(effective.begin(), effective.end(), "bearerAuth") != effective.end());
    } else {
      CHECK(effective.empty());
    }
  }
}

TEST_CASE("every path parameter in openapi.yaml is declared as one", "[api][docs]") {
  const auto& doc = openapi();
  for (const auto& op : doc.operations) {
    INFO("openapi.yaml line " << op.line << ": " << op.method << " " << op.path);
    std::set<std::string> declared;
    for (const auto& ref : op.parameter_refs) {
      auto it = doc.component_parameters.find(ref);
      CHECK(it != doc.component_parameters.end()); // the $ref resolves
      if (it != doc.component_parameters.end() && it->second.second == "path")
        declared.insert(it->second.first);
    }
    for (const auto& [name, in] : op.inline_parameters)
      if (in == "path")
        declared.insert(name);
    std::set<std::string> in_path;
    for (std::size_t open = op.path.find('{'); open != std::string::npos; open = op.path.find('{', open + 1))
      in_path.insert(op.path.substr(open + 1, op.path.find('}', open) - open - 1));
    CHECK(declared == in_path);
  }
}

TEST_CASE("api.md mentions every native route and svix.md every Svix route as \"METHOD /path\"", "[api][docs]") {
  const std::string native_text = normalise(read_text(api_md_file));
  const std::string svix_text = normalise(read_text(svix_md_file));
  auto path_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '{' || c == '}' || c == '_' || c == '-';
  };
  for (const auto& r : hookd::api::all_routes()) {
    const std::string& text = is_svix(r.path) ? svix_text : native_text;
    const std::string needle = std::string{r.method} + " " + normalise(r.path);
    INFO("looking for \"" << needle << "\" in docs/" << (is_svix(r.path) ? "svix.md" : "api.md"));
    bool found = false;
    for (auto at = text.find(needle); at != std::string::npos && !found; at = text.find(needle, at + 1)) {
      const bool starts = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
      const auto end = at + needle.size();
      const bool ends = end == text.size() || !path_char(text[end]);
      found = starts && ends;
    }
    CHECK(found);
  }
}
