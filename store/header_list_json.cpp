#include "store/header_list_json.hpp"

#include "store/store.hpp"

#include <nlohmann/json.hpp>

namespace hookd::store {

std::string encode_headers(const header_list& headers) {
  try {
    return nlohmann::json(headers).dump();
  } catch (const nlohmann::json::exception& e) { // a header that is not valid UTF-8
    throw error("endpoint headers cannot be stored: " + std::string{e.what()});
  }
}

header_list decode_headers(const std::string& json) {
  if (json.empty())
    return {};
  try {
    return nlohmann::json::parse(json).get<header_list>();
  } catch (const nlohmann::json::exception& e) {
    throw error("endpoint headers column is not a JSON list of pairs: " + std::string{e.what()});
  }
}

} // namespace hookd::store
