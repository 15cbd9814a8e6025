#include "delivery/endpoint_ownership.hpp"

namespace hookd::delivery {

endpoint_ownership::endpoint_ownership(bool clustered)
    : clustered_(clustered), epochs_(clustered ? policy::cluster_partitions : 0, -1) {}

bool endpoint_ownership::owns_part(std::uint32_t part) const {
  return !clustered_ || (part < epochs_.size() && epochs_[part] >= 0);
}

std::optional<store::lease_token> endpoint_ownership::lease_of(std::string_view endpoint_id) const {
  if (!clustered_)
    return store::lease_token{};
  const auto part = policy::partition_of(endpoint_id);
  if (epochs_[part] < 0)
    return std::nullopt;
  return store::lease_token{static_cast<std::int32_t>(part), epochs_[part]};
}

void endpoint_ownership::gain(const store::lease_token& lease) {
  if (clustered_ && lease.part >= 0 && static_cast<std::size_t>(lease.part) < epochs_.size())
    epochs_[static_cast<std::size_t>(lease.part)] = lease.epoch;
}

void endpoint_ownership::lose(std::uint32_t part) {
  if (part < epochs_.size())
    epochs_[part] = -1;
}

void endpoint_ownership::lose_all() {
  for (auto& e : epochs_)
    e = -1;
}

std::vector<std::uint32_t> endpoint_ownership::parts() const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t p = 0; p < epochs_.size(); ++p)
    if (epochs_[p] >= 0)
      out.push_back(p);
  return out;
}

} // namespace hookd::delivery
