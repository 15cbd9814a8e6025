#include "store/postgres/pg_notifications.hpp"

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

#include <libpq-fe.h>

#include <poll.h>

#include <charconv>

namespace hookd::store {
namespace {

/// Joins `items` (already rendered) after "<node>\n", starting a new payload before `limit`.
std::vector<std::string> pack(const std::string& node, const std::vector<std::string>& items,
                              std::size_t limit) {
  std::vector<std::string> out;
  std::string current;
  for (const auto& item : items) {
    if (!current.empty() && current.size() + 1 + item.size() > limit) {
      out.push_back(std::move(current));
      current.clear();
    }
    current += current.empty() ? node + "\n" : ",";
    current += item;
  }
  if (!current.empty())
    out.push_back(std::move(current));
  return out;
}

std::optional<std::pair<std::string, std::string_view>> split_node(std::string_view payload) {
  const auto nl = payload.find('\n');
  if (nl == std::string_view::npos || nl == 0)
    return std::nullopt;
  return std::make_pair(std::string{payload.substr(0, nl)}, payload.substr(nl + 1));
}

template <class Fn>
bool for_each_item(std::string_view list, Fn fn) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (!fn(list.substr(0, comma)))
      return false;
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  return true;
}

template <class T>
bool parse(std::string_view text, T& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

std::vector<std::string> encode_deliveries(const std::string& node,
                                           const std::vector<seq_in_part>& items,
                                           std::size_t limit) {
  std::vector<std::string> rendered;
  rendered.reserve(items.size());
  for (const auto& i : items)
    rendered.push_back(std::to_string(i.message_seq) + ":" + std::to_string(i.part));
  return pack(node, rendered, limit);
}

std::vector<std::string> encode_endpoints(const std::string& node,
                                          const std::vector<std::string>& ids, std::size_t limit) {
  return pack(node, ids, limit);
}

std::optional<std::pair<std::string, std::vector<seq_in_part>>>
decode_deliveries(std::string_view payload) {
  auto split = split_node(payload);
  if (!split)
    return std::nullopt;
  std::vector<seq_in_part> items;
  const bool ok = for_each_item(split->second, [&](std::string_view item) {
    const auto colon = item.find(':');
    seq_in_part i;
    if (colon == std::string_view::npos || !parse(item.substr(0, colon), i.message_seq) ||
        !parse(item.substr(colon + 1), i.part))
      return false;
    items.push_back(i);
    return true;
  });
  if (!ok)
    return std::nullopt;
  return std::make_pair(std::move(split->first), std::move(items));
}

std::optional<std::pair<std::string, std::vector<std::string>>>
decode_endpoints(std::string_view payload) {
  auto split = split_node(payload);
  if (!split)
    return std::nullopt;
  std::vector<std::string> ids;
  for_each_item(split->second, [&](std::string_view id) {
    if (!id.empty())
      ids.emplace_back(id);
    return true;
  });
  return std::make_pair(std::move(split->first), std::move(ids));
}

notification_listener::notification_listener(const std::string& conninfo)
    : db_(std::make_unique<pg::connection>(conninfo)) {
  for (const char* channel : {deliveries_channel, endpoints_channel, cluster_channel})
    db_->exec(std::string{"LISTEN "} + channel, "listen");
}

notification_listener::~notification_listener() = default;

std::vector<notification> notification_listener::wait(int timeout_ms) {
  std::vector<notification> out;
  PGconn* c = db_->get();
  if (db_->broken())
    throw error("listen: connection lost (" + db_->where() + ")");
  pollfd p{PQsocket(c), POLLIN, 0};
  if (poll(&p, 1, timeout_ms) < 0)
    return out; // EINTR: the caller waits again
  if (PQconsumeInput(c) == 0 || db_->broken())
    throw error("listen: connection lost (" + db_->where() + "): " + PQerrorMessage(c));
  while (PGnotify* n = PQnotifies(c)) {
    out.push_back(notification{n->relname, n->extra});
    PQfreemem(n);
  }
  return out;
}

} // namespace hookd::store
