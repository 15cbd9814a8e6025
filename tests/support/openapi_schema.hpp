#pragma once
// Checks a JSON value against a schema of an OpenAPI 3.0 document (header-only, for tests):
// $ref into components/schemas, type, nullable, required, properties, items, enum, and the
// date-time format. Enough for the shapes hookd writes; not a general validator.
#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <vector>

namespace hookd::testing {

class openapi_schemas {
public:
  explicit openapi_schemas(nlohmann::json document) : doc_(std::move(document)) {}

  /// Problems of `value` against components/schemas/<name>, each with its JSON path; empty
  /// when it conforms.
  template <class Json>
  std::vector<std::string> check(const Json& value, const std::string& name) const {
    std::vector<std::string> problems;
    const auto plain = nlohmann::json::parse(value.dump());
    check_value(plain, schema(name), "$", problems);
    return problems;
  }

  const nlohmann::json& schema(const std::string& name) const {
    return doc_.at("components").at("schemas").at(name);
  }

  const nlohmann::json& document() const { return doc_; }

private:
  const nlohmann::json& resolve(const nlohmann::json& s) const {
    if (s.contains("$ref")) {
      const auto ref = s.at("$ref").get<std::string>();
      const std::string prefix = "#/components/schemas/";
      return resolve(schema(ref.substr(prefix.size())));
    }
    return s;
  }

  static bool type_is(const nlohmann::json& v, const std::string& type) {
    if (type == "string") return v.is_string();
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_boolean();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    return true;
  }

  void check_value(const nlohmann::json& v, const nlohmann::json& raw, const std::string& at,
                   std::vector<std::string>& problems) const {
    const auto& s = resolve(raw);
    if (v.is_null()) {
      if (!s.value("nullable", false))
        problems.push_back(at + ": null where the schema does not allow it");
      return;
    }
    if (s.contains("type") && !type_is(v, s.at("type").get<std::string>())) {
      problems.push_back(at + ": not of type " + s.at("type").get<std::string>() + ": " + v.dump());
      return;
    }
    if (s.contains("enum")) {
      const auto& allowed = s.at("enum");
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
        problems.push_back(at + ": " + v.dump() + " is not one of " + allowed.dump());
    }
    if (v.is_string() && s.value("format", "") == "date-time") {
      static const std::regex rfc3339{R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))"};
      if (!std::regex_match(v.get<std::string>(), rfc3339))
        problems.push_back(at + ": not a date-time: " + v.dump());
    }
    if (v.is_string() && s.contains("pattern")) {
      const std::regex pattern{s.at("pattern").get<std::string>()};
      if (!std::regex_search(v.get<std::string>(), pattern))
        problems.push_back(at + ": " + v.dump() + " does not match " + s.at("pattern").dump());
    }
    if (v.is_object()) {
      for (const auto& name : s.value("required", nlohmann::json::array()))
        if (!v.contains(name.get<std::string>()))
          problems.push_back(at + ": required member '" + name.get<std::string>() + "' missing");
      if (s.contains("properties"))
        for (const auto& [name, sub] : s.at("properties").items())
          if (v.contains(name))
            check_value(v.at(name), sub, at + "." + name, problems);
    }
    if (v.is_array() && s.contains("items"))
      for (std::size_t i = 0; i < v.size(); ++i)
        check_value(v.at(i), s.at("items"), at + "[" + std::to_string(i) + "]", problems);
  }

  nlohmann::json doc_;
};

} // namespace hookd::testing
