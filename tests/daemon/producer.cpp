// The posting thread and the delivery/store checks of the daemon tests (see producer.hpp).
#include "tests/daemon/producer.hpp"

#include "tests/support/api_json.hpp"
#include "tests/support/http_exchange.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/store_scan.hpp"

#include <algorithm>

using namespace std::chrono_literals;

namespace hookd::testing {

producer::producer(std::uint16_t port, std::vector<message_kind> kinds)
    : port_(port), kinds_(std::move(kinds)) {}

producer::~producer() {
  stop();
}

void producer::start() {
  stop_ = false;
  thread_ = std::thread{[this] { run(); }};
}

void producer::stop() {
  stop_ = true;
  if (thread_.joinable())
    thread_.join();
}

producer_tally producer::tally() const {
  std::lock_guard guard{mutex_};
  return tally_;
}

std::size_t producer::accepted_count() const {
  std::lock_guard guard{mutex_};
  return tally_.accepted.size();
}

void producer::run() {
  http_connection conn{port_, 3s};
  const header_list headers{{"Content-Type", "application/json"}};
  for (std::size_t n = 0; !stop_; ++n) {
    const auto& kind = kinds_[n % kinds_.size()];
    const std::string body = R"({"event_type":")" + kind.event_type + R"(","payload":{"n":)" +
                             std::to_string(n) + R"(,"fanout":)" + std::to_string(kind.fanout) +
                             "}}";
    const auto r = conn.exchange("POST", "/v1/messages", headers, body);
    std::unique_lock guard{mutex_};
    if (r.sent)
      ++tally_.posted;
    if (r.status == 202) {
      const auto msg = json::parse(r.body, nullptr, false);
      if (msg.is_discarded() || !msg.contains("id") || !msg.contains("deliveries")) {
        tally_.unexpected.push_back("202 without a message: " + r.body);
        continue;
      }
      const auto deliveries = msg["deliveries"].size();
      if (deliveries != kind.fanout)
        tally_.unexpected.push_back("202 with " + std::to_string(deliveries) + " deliveries for " +
                                    kind.event_type + ": " + r.body);
      tally_.accepted[msg["id"].get<std::string>()] = kind.fanout;
    } else if (r.answered()) {
      ++tally_.rejected[r.status];
      if (r.status != 503 && r.status != 429) // shutting down / not ready; backlog full
        tally_.unexpected.push_back(show(r));
    } else if (!r.sent) {
      ++tally_.refused;
      guard.unlock();
      std::this_thread::sleep_for(10ms); // the daemon is down: do not spin
    } else {
      ++tally_.unanswered;
    }
  }
}

std::vector<std::string> missing_deliveries(const std::map<std::string, std::size_t>& accepted,
                                            const test_receiver& first,
                                            const test_receiver& second) {
  const auto got_first = webhook_ids(first);
  const auto got_second = webhook_ids(second);
  std::vector<std::string> out;
  for (const auto& [id, fanout] : accepted) {
    if (!got_first.contains(id))
      out.push_back(id + " → first");
    if (fanout > 1 && !got_second.contains(id))
      out.push_back(id + " → second");
  }
  return out;
}

std::size_t duplicate_deliveries(const test_receiver& first, const test_receiver& second) {
  std::size_t dups = 0;
  for (const auto* rx : {&first, &second}) {
    const auto ids = webhook_ids(*rx);
    for (auto it = ids.begin(); it != ids.end(); it = ids.upper_bound(*it))
      dups += ids.count(*it) - 1;
  }
  return dups;
}

store_audit audit_store(const daemon_process& d, std::int64_t max_seq) {
  auto db = d.open_store_reader();
  store_audit audit;
  for (const auto& [seq, payload, deliveries] : stored_messages(*db, max_seq)) {
    const auto body = json::parse(payload, nullptr, false);
    const std::size_t fanout =
        body.is_object() && body.contains("fanout") ? body["fanout"].get<std::size_t>() : 0;
    const std::string id =
        deliveries.empty() ? "seq " + std::to_string(seq) : deliveries.front().message_id;
    audit.messages[id] = deliveries;
    if (deliveries.size() != fanout)
      audit.half_written.push_back(id + " (" + payload + "): " + std::to_string(deliveries.size()) +
                                   " deliveries");
    for (const auto& d : deliveries)
      if (d.status == delivery_status::pending)
        ++audit.pending;
  }
  return audit;
}

std::vector<std::string> unrecorded_attempts(const store_audit& audit, const test_receiver& rx,
                                             const std::string& endpoint_id) {
  std::vector<std::string> out;
  const auto received = webhook_ids(rx);
  for (const auto& id : std::set<std::string>(received.begin(), received.end())) {
    const auto it = audit.messages.find(id);
    const bool recorded = it != audit.messages.end() &&
                          std::any_of(it->second.begin(), it->second.end(), [&](const auto& d) {
                            return d.endpoint_id == endpoint_id && d.attempts > 0;
                          });
    if (!recorded)
      out.push_back(id + " → " + endpoint_id);
  }
  return out;
}

} // namespace hookd::testing
