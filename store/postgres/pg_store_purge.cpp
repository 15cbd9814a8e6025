#include "store/postgres/pg_store_impl.hpp"

#include <limits>
#include <map>
#include <vector>

namespace hookd::store {

std::size_t pg_store::purge_finished(time_point before, std::size_t limit) {
  constexpr std::string_view op = "purge_finished";
  std::size_t purged = 0;
  atomically(op, [&] {
    std::vector<std::int64_t> seqs;
    {
      pg::params p;
      constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
      p.bind_time(before).bind_int(static_cast<std::int64_t>(std::min(limit, max)));
      auto r = run(pg::stmt::finished_messages, p, op);
      while (r.next())
        seqs.push_back(r.column_int());
    }
    if (seqs.empty())
      return;
    pg::params p;
    p.bind_array(pg::int_array(seqs));
    run(pg::stmt::purge_attempts, p, op);
    std::map<std::string, std::int64_t> removed; // deliveries per endpoint
    {
      auto r = run(pg::stmt::purge_deliveries, p, op);
      while (r.next())
        --removed[r.column_text()];
    }
    run(pg::stmt::purge_messages, p, op);
    for (const auto& [endpoint_id, n] : removed) // last: only once every row is gone
      totals_delta_[endpoint_id] += n;
    purged = seqs.size();
  });
  return purged;
}

std::size_t pg_store::purge_idempotency(time_point before) {
  constexpr std::string_view op = "purge_idempotency";
  std::size_t n = 0;
  atomically(op, [&] {
    pg::params p;
    p.bind_time(before);
    n = run(pg::stmt::purge_idempotency, p, op).affected();
  });
  return n;
}

} // namespace hookd::store
