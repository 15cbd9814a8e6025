#include "store/event_types_json.hpp"

#include "store/store.hpp"

#include <nlohmann/json.hpp>

namespace hookd::store {

std::string encode_event_types(const std::vector<std::string>& types) {
  try {
    return nlohmann::json(types).dump();
  } catch (const nlohmann::json::exception& e) { // an event type that is not valid UTF-8
    throw error("endpoint event_types cannot be stored: " + std::string{e.what()});
  }
}

std::vector<std::string> decode_event_types(const std::string& json) {
  try {
    return nlohmann::json::parse(json).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw error("endpoint event_types column is not a JSON list of strings: " +
                std::string{e.what()});
  }
}

} // namespace hookd::store
