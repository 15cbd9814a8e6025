#pragma once
// The HTTP(S) destination: a network I/O actor implementing destination_actor with Boost.Beast.
// It owns one io thread (net::io_worker) with a keep-alive connection pool per origin, signs
// each request (policy/signing.hpp), and replies with the raw result when the exchange ends.
// CAF's scheduler threads never touch a socket: requests are handed to the io thread and
// completions come back as messages. Attempts beyond `max_in_flight` wait, served round-robin
// by endpoint so that slow endpoints' queues do not hold up others.
#include "actors/interfaces.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"

#include <caf/actor_system.hpp>

namespace hookd {

struct http_destination_options {
  net::client_options client;
  duration connect_timeout{5000};
  std::size_t max_in_flight = 1024;
};

/// Options from [http]; `share` destinations split http.max_in_flight between them. The
/// User-Agent is "hookd/<version>", plus " (node <node_id>)" in cluster mode, so a receiver
/// can tell which node made an attempt.
http_destination_options http_destination_options_from(const config::config& cfg, int share,
                                                       const std::string& node_id = {});

destination_actor spawn_http_destination(caf::actor_system& sys, http_destination_options opts);

} // namespace hookd
