#include "store/postgres/pg_store_impl.hpp"

#include <algorithm>

namespace hookd::store {

std::vector<lease_token> pg_store::hold_leases(const std::string& node_id,
                                               std::span<const lease_token> tokens) {
  constexpr std::string_view op = "hold_leases";
  std::vector<lease_token> wanted;
  for (const auto& t : tokens)
    if (t.fenced() && std::find(wanted.begin(), wanted.end(), t) == wanted.end())
      wanted.push_back(t);
  std::vector<lease_token> lost;
  if (wanted.empty())
    return lost;
  check_writable(op);
  if (!explicit_transaction_)
    throw error(std::string{op} + ": only inside a transaction (the leases are held until it ends)");
  std::vector<std::int64_t> parts, epochs;
  for (const auto& t : wanted) {
    parts.push_back(t.part);
    epochs.push_back(t.epoch);
  }
  pg::params p;
  p.bind_text(node_id).bind_array(pg::int_array(parts)).bind_array(pg::int_array(epochs));
  auto r = run(pg::stmt::hold_leases, p, op);
  while (r.next()) {
    lease_token t;
    t.part = static_cast<std::int32_t>(r.column_int());
    t.epoch = r.column_int();
    lost.push_back(t);
  }
  return lost;
}

} // namespace hookd::store
