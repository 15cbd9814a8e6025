#pragma once
// Cluster mode's announcements through PostgreSQL NOTIFY: what a node's transaction committed
// that other nodes must act on. Sent inside the transaction (pg_store, just before COMMIT), so
// PostgreSQL delivers them only if it commits, and only after.
//
//   hookd_deliveries  "<node>\n<seq>:<part>,<seq>:<part>,..."  messages with pending deliveries
//                     in those partitions (new, or re-queued by an operator)
//   hookd_endpoints   "<node>\n<id>,<id>,..."  endpoints created, changed or deleted
//   hookd_cluster     "<node>"  a node released partitions (the others plan again at once)
//
// A payload stays under PostgreSQL's 8,000 bytes: longer lists go in several notifications.
// A listener (notification_listener) is a connection of its own that only waits for them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::store {

namespace pg {
class connection;
}

inline constexpr const char* deliveries_channel = "hookd_deliveries";
inline constexpr const char* endpoints_channel = "hookd_endpoints";
inline constexpr const char* cluster_channel = "hookd_cluster";

struct seq_in_part {
  std::int64_t message_seq = 0;
  std::uint32_t part = 0;
  friend bool operator==(const seq_in_part&, const seq_in_part&) = default;
};

/// Payloads for `items` from `node`, each under `limit` bytes.
std::vector<std::string> encode_deliveries(const std::string& node,
                                           const std::vector<seq_in_part>& items,
                                           std::size_t limit = 7900);
std::vector<std::string> encode_endpoints(const std::string& node,
                                          const std::vector<std::string>& ids,
                                          std::size_t limit = 7900);

/// The sending node and the list; nullopt for a payload not in this format.
std::optional<std::pair<std::string, std::vector<seq_in_part>>> decode_deliveries(std::string_view payload);
std::optional<std::pair<std::string, std::vector<std::string>>> decode_endpoints(std::string_view payload);

struct notification {
  std::string channel;
  std::string payload;
};

/// A connection that LISTENs on the three channels.
class notification_listener {
public:
  /// Connects and listens; throws store::error when it cannot.
  explicit notification_listener(const std::string& conninfo);
  ~notification_listener();
  notification_listener(const notification_listener&) = delete;
  notification_listener& operator=(const notification_listener&) = delete;

  /// Waits up to `timeout_ms` for notifications and returns those that arrived (none on
  /// time-out). Throws store::error when the connection is lost.
  std::vector<notification> wait(int timeout_ms);

private:
  std::unique_ptr<pg::connection> db_;
};

} // namespace hookd::store
