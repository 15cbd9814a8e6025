#include "metrics/inbound_counts.hpp"

namespace hookd::metrics {

std::string_view to_string(inbound_result r) {
  switch (r) {
    case inbound_result::accepted: return "accepted";
    case inbound_result::duplicate: return "duplicate";
    case inbound_result::unauthorized: return "unauthorized";
    case inbound_result::unknown_source: return "unknown_source";
    case inbound_result::too_large: return "too_large";
    case inbound_result::not_json: return "not_json";
    case inbound_result::malformed: return "malformed";
    case inbound_result::unavailable: return "unavailable";
  }
  return "unknown";
}

void inbound_counts::count(std::string_view source, inbound_result r) {
  std::lock_guard lock{mutex_};
  ++counts_[{std::string{source}, r}];
}

std::vector<inbound_counts::row> inbound_counts::read() const {
  std::lock_guard lock{mutex_};
  std::vector<row> rows;
  rows.reserve(counts_.size());
  for (const auto& [key, value] : counts_)
    rows.push_back({key.first, key.second, value});
  return rows;
}

} // namespace hookd::metrics
