#include "delivery/endpoint_registry.hpp"

namespace hookd::delivery {

namespace {

/// The fan-out index's key of an event type within an application (none: "").
std::string type_key(const std::string& application_id, const std::string& event_type) {
  if (application_id.empty())
    return event_type;
  std::string key;
  key.reserve(application_id.size() + 1 + event_type.size());
  key.append(application_id).append(1, '\0').append(event_type);
  return key;
}

} // namespace

void endpoint_registry::index(const store::endpoint_record& ep) {
  if (ep.event_types.empty()) {
    all_events_[ep.tenancy().application_id].insert(ep.id);
    return;
  }
  for (const auto& type : ep.event_types)
    by_event_type_[type_key(ep.tenancy().application_id, type)].insert(ep.id);
}

void endpoint_registry::unindex(const store::endpoint_record& ep) {
  if (auto all = all_events_.find(ep.tenancy().application_id); all != all_events_.end()) {
    all->second.erase(ep.id);
    if (all->second.empty())
      all_events_.erase(all);
  }
  for (const auto& type : ep.event_types) {
    auto it = by_event_type_.find(type_key(ep.tenancy().application_id, type));
    if (it == by_event_type_.end())
      continue;
    it->second.erase(ep.id);
    if (it->second.empty())
      by_event_type_.erase(it);
  }
}

void endpoint_registry::put(store::endpoint_record ep) {
  if (auto it = endpoints_.find(ep.id); it != endpoints_.end()) {
    unindex(it->second);
    endpoints_.erase(it);
  }
  // The key must view the id inside the node: insert under an empty key (no endpoint has an
  // empty id), then re-key the node in place.
  auto node = endpoints_.extract(endpoints_.emplace(std::string_view{}, std::move(ep)).first);
  node.key() = node.mapped().id;
  auto placed = endpoints_.insert(std::move(node)).position;
  index(placed->second);
}

bool endpoint_registry::remove(const std::string& id) {
  auto it = endpoints_.find(id);
  if (it == endpoints_.end())
    return false;
  unindex(it->second);
  endpoints_.erase(it);
  return true;
}

const store::endpoint_record* endpoint_registry::find(const std::string& id) const {
  auto it = endpoints_.find(id);
  return it == endpoints_.end() ? nullptr : &it->second;
}

bool endpoint_registry::set_status(const std::string& id, endpoint_status status,
                                   disabled_reason reason) {
  auto it = endpoints_.find(id);
  if (it == endpoints_.end())
    return false;
  it->second.status = status;
  it->second.reason = reason;
  return true;
}

bool endpoint_registry::set_failing_since(const std::string& id, time_point since) {
  auto it = endpoints_.find(id);
  if (it == endpoints_.end())
    return false;
  it->second.failing_since = since;
  return true;
}

std::vector<std::string> endpoint_registry::subscribers(const std::string& application_id,
                                                        const std::string& event_type) const {
  std::vector<std::string> out;
  auto add_enabled = [&](const id_set& ids) {
    for (auto id : ids)
      if (endpoints_.at(id).status == endpoint_status::enabled)
        out.emplace_back(id);
  };
  if (auto all = all_events_.find(application_id); all != all_events_.end())
    add_enabled(all->second);
  if (auto it = by_event_type_.find(type_key(application_id, event_type)); it != by_event_type_.end())
    add_enabled(it->second);
  return out;
}

} // namespace hookd::delivery
