#include "store/sqlite_store_impl.hpp"

#include "store/sqlite_row_mapping.hpp"

#include <map>
#include <vector>

namespace hookd::store {

using sqlite::query;
using sqlite::read_all;
using sqlite::sql_limit;

std::size_t sqlite_store::purge_finished(time_point before, std::size_t limit) {
  constexpr std::string_view op = "purge_finished";
  std::size_t purged = 0;
  atomically(op, [&] {
    std::vector<std::int64_t> seqs;
    {
      query q{sql_.finished_messages, op};
      q.bind_time(before).bind_int(sql_limit(limit));
      seqs = read_all(q, [](query& row) { return row.column_int(); });
    }
    std::map<std::string, std::int64_t> removed; // deliveries per endpoint
    for (auto seq : seqs) {
      {
        query q{sql_.purge_endpoints_of, op};
        q.bind_int(seq);
        while (q.step())
          --removed[q.column_text()];
      }
      for (auto* s : {&sql_.purge_attempts, &sql_.purge_deliveries, &sql_.purge_message}) {
        query q{*s, op};
        q.bind_int(seq);
        q.run();
      }
    }
    for (const auto& [endpoint_id, n] : removed) // last: only once every row is gone
      totals_delta_[endpoint_id] += n;
    purged = seqs.size();
  });
  return purged;
}

std::size_t sqlite_store::purge_idempotency(time_point before) {
  check_writable("purge_idempotency");
  query q{sql_.purge_idempotency, "purge_idempotency"};
  q.bind_time(before);
  q.run();
  return changed_rows();
}

} // namespace hookd::store
