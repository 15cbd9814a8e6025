#pragma once
// Every registered endpoint's settings, and which endpoints a message goes to (docs/api.md fan-out:
// every enabled endpoint of the message's application (or of none, for a message of none) whose
// event_types is empty or contains the message's event_type).
// Plain C++; the dispatcher actor owns one. Lookups cost O(matching endpoints), not O(all).
// Each endpoint's id is stored once, in its record: the map's key and the fan-out index view it
// (a map node never moves, and a replaced record gets a node of its own), which keeps an idle
// registered endpoint near its record's own size.
#include "store/records.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hookd::delivery {

class endpoint_registry {
public:
  /// Inserts or replaces an endpoint (re-indexing its event types).
  void put(store::endpoint_record ep);
  /// Removes it; false when unknown.
  bool remove(const std::string& id);

  const store::endpoint_record* find(const std::string& id) const;
  std::size_t size() const { return endpoints_.size(); }

  /// Sets status and reason; false when unknown.
  bool set_status(const std::string& id, endpoint_status status, disabled_reason reason);

  /// Records the 24-hour rule's clock (so a re-spawned actor starts from it); false when unknown.
  bool set_failing_since(const std::string& id, time_point since);

  /// Calls `fn(record)` for every endpoint, in no particular order.
  template <class Fn>
  void for_each(Fn fn) const {
    for (const auto& [id, ep] : endpoints_)
      fn(ep);
  }

  /// Enabled endpoints of `application_id` ("": endpoints of no application) subscribed to
  /// `event_type`. An application never reaches another's endpoints.
  std::vector<std::string> subscribers(const std::string& application_id,
                                       const std::string& event_type) const;
  /// subscribers() among the endpoints of no application.
  std::vector<std::string> subscribers(const std::string& event_type) const {
    return subscribers(std::string{}, event_type);
  }

private:
  void index(const store::endpoint_record& ep);
  void unindex(const store::endpoint_record& ep);

  using id_set = std::unordered_set<std::string_view>; ///< views of records' ids

  std::unordered_map<std::string_view, store::endpoint_record> endpoints_; ///< key: value's id
  /// Key: the event type, after "<application id>\0" for an application's endpoints.
  std::unordered_map<std::string, id_set> by_event_type_;
  /// Endpoints with an empty filter, by application id ("": none).
  std::unordered_map<std::string, id_set> all_events_;
};

} // namespace hookd::delivery
