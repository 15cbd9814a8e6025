#include "app/cluster_listener.hpp"

#include "logging/logger.hpp"
#include "store/postgres/pg_notifications.hpp"
#include "store/store.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>

namespace hookd {
namespace {

void pass_on(const store::notification& n, const std::string& me, const dispatcher_actor& dispatcher,
             const cluster_membership_actor& membership) {
  if (n.channel == store::deliveries_channel) {
    auto decoded = store::decode_deliveries(n.payload);
    if (!decoded || decoded->first == me)
      return;
    deliveries_announced news;
    for (const auto& item : decoded->second)
      news.items.push_back(announced_delivery{item.message_seq, item.part});
    caf::anon_send(dispatcher, std::move(news));
  } else if (n.channel == store::endpoints_channel) {
    auto decoded = store::decode_endpoints(n.payload);
    if (!decoded || decoded->first == me)
      return;
    caf::anon_send(dispatcher, endpoints_announced{std::move(decoded->second)});
  } else if (n.channel == store::cluster_channel) {
    if (n.payload != me)
      caf::anon_send(membership, resync_atom_v);
  }
}

} // namespace

cluster_listener::cluster_listener(std::string conninfo, std::string node_id,
                                   dispatcher_actor dispatcher,
                                   cluster_membership_actor membership)
    : conninfo_(std::move(conninfo)), node_id_(std::move(node_id)),
      dispatcher_(std::move(dispatcher)), membership_(std::move(membership)),
      thread_([this] { run(); }) {}

cluster_listener::~cluster_listener() {
  stop_ = true;
  thread_.join();
}

void cluster_listener::run() {
  auto log = logging::get("cluster");
  auto backoff = std::chrono::milliseconds{500};
  bool failing = false;
  while (!stop_) {
    std::unique_ptr<store::notification_listener> listener;
    try {
      listener = std::make_unique<store::notification_listener>(conninfo_);
    } catch (const store::error& e) {
      if (!failing)
        log->error("cluster: cannot listen for other nodes' announcements: {}", e.what());
      failing = true;
      for (auto waited = std::chrono::milliseconds{0}; waited < backoff && !stop_;
           waited += std::chrono::milliseconds{100})
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
      backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
      continue;
    }
    if (failing)
      log->info("cluster: listening for announcements again");
    failing = false;
    backoff = std::chrono::milliseconds{500};
    caf::anon_send(dispatcher_, resync_atom_v); // what was announced while nobody listened
    try {
      while (!stop_)
        for (const auto& n : listener->wait(250))
          pass_on(n, node_id_, dispatcher_, membership_);
    } catch (const store::error& e) {
      log->error("cluster: announcements: {}", e.what());
      failing = true;
    }
  }
}

} // namespace hookd
