#pragma once
// Load for the daemon tests: a thread posting messages to hookd on one keep-alive connection
// (reconnecting when it breaks), recording what each request got back, and the checks that
// turn those records into verdicts: which accepted messages the receivers got, and whether the
// store holds any half-written message.
#include "store/records.hpp"
#include "tests/support/test_receiver.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hookd::testing {

class daemon_process;

/// One kind of message the producer sends: its event type and how many endpoints subscribe.
struct message_kind {
  std::string event_type;
  std::size_t fanout = 1;
};

/// What the producer's requests got.
struct producer_tally {
  std::map<std::string, std::size_t> accepted; ///< 202: message id → deliveries in the answer
  std::size_t posted = 0;                      ///< requests written completely
  std::size_t refused = 0;                     ///< not sent: connecting failed (daemon down)
  std::size_t unanswered = 0;                  ///< sent, then no answer (reset, closed, timeout)
  std::map<int, std::size_t> rejected;         ///< answered with another status: status → count
  std::vector<std::string> unexpected; ///< answers no test expects (a 202 with the wrong fan-out,
                                       ///< a status other than 202, 429 or 503)
};

class producer {
public:
  /// Posts kinds[0], kinds[1], ... in turn to 127.0.0.1:`port`, each with a payload
  /// {"n": <sequence>, "fanout": <kind's fanout>}.
  producer(std::uint16_t port, std::vector<message_kind> kinds);
  ~producer();
  producer(const producer&) = delete;
  producer& operator=(const producer&) = delete;

  void start();
  /// Stops after the request in progress; joins the thread.
  void stop();
  producer_tally tally() const;
  std::size_t accepted_count() const;

private:
  void run();

  std::uint16_t port_;
  std::vector<message_kind> kinds_;
  mutable std::mutex mutex_;
  producer_tally tally_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// Deliveries of accepted messages not seen yet: a message with fanout 1 must reach `first`,
/// one with fanout 2 both `first` and `second`. Returns "<id> → <receiver>" entries.
std::vector<std::string> missing_deliveries(const std::map<std::string, std::size_t>& accepted,
                                            const test_receiver& first,
                                            const test_receiver& second);

/// Receiver-side duplicates: requests beyond the first per webhook-id, over both receivers.
std::size_t duplicate_deliveries(const test_receiver& first, const test_receiver& second);

/// What the daemon's store holds, read through a read-only connection (daemon_process::open_store_reader).
struct store_audit {
  std::map<std::string, std::vector<store::delivery_record>> messages; ///< id → its deliveries
  std::vector<std::string> half_written; ///< messages whose deliveries differ from their fanout
  std::size_t pending = 0;               ///< deliveries still pending
};

/// Scans message seqs 1..`max_seq` (seqs are never reused) of the database at `path`; each
/// message's expected fan-out is the "fanout" of its payload.
store_audit audit_store(const daemon_process& d, std::int64_t max_seq);

/// Requests `rx` got for which the store shows no attempt: "<message id> → <endpoint id>" for
/// each webhook-id whose delivery to `endpoint_id` has 0 attempts (or does not exist).
std::vector<std::string> unrecorded_attempts(const store_audit& audit, const test_receiver& rx,
                                             const std::string& endpoint_id);

} // namespace hookd::testing
