#pragma once
// Deliveries handed to an endpoint actor, new (from ingest) or recovered (from the store).
#include "messages/payload.hpp"
#include "store/records.hpp"

#include "messages/inspect.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd {

struct delivery_job {
  std::int64_t delivery_id = 0;
  std::int64_t message_seq = 0;
  std::string message_id;
  time_point created_at = no_time;
  std::int32_t attempts = 0;
  time_point first_attempt_at = no_time;
  time_point due = no_time;
  payload body; ///< not loaded for recovered deliveries: the endpoint fetches it when due
  /// Its last update in the store (delivery/recently_finished.hpp tells stale copies by it).
  time_point updated_at = no_time;
};

/// Dispatcher → endpoint actor: new work.
struct deliver_jobs {
  std::vector<delivery_job> jobs;
};

/// Operator → endpoint actor: attempt these pending deliveries now.
struct expedite_deliveries {
  std::vector<std::int64_t> delivery_ids;
};

inline delivery_job job_from(const store::delivery_record& r, payload body = {}) {
  return delivery_job{r.id,       r.message_seq,      r.message_id,      r.created_at,
                      r.attempts, r.first_attempt_at, r.next_attempt_at, std::move(body),
                      r.updated_at};
}

HOOKD_INSPECT(delivery_job, x.delivery_id, x.message_seq, x.message_id, x.created_at, x.attempts,
              x.first_attempt_at, x.due, x.body, x.updated_at)

HOOKD_INSPECT(deliver_jobs, x.jobs)

HOOKD_INSPECT(expedite_deliveries, x.delivery_ids)

} // namespace hookd
