#pragma once
// Plain records the store reads and writes. They are storage-neutral (no SQLite types), so a
// PostgreSQL implementation of `store` can use them unchanged.
#include "policy/outcome.hpp"
#include "policy/signature_scheme.hpp"
#include "policy/time.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hookd::store {

/// A tenant (Svix's "application"): endpoints and messages may belong to one, and a message of
/// an application fans out only to that application's endpoints.
struct application_record {
  std::string id;       ///< "app_..."
  std::string uid;      ///< the caller's own unique name for it; empty: none
  std::string name;
  std::int32_t rate_limit = 0; ///< stored and returned, not enforced; 0: none
  std::string metadata = "{}"; ///< a JSON object of strings, as given
  time_point created_at = no_time;
  time_point updated_at = no_time;
};

/// A named event type (the Svix API's event-type catalogue): documentation for the names
/// endpoints filter on; messages may use names that are not in it.
struct event_type_record {
  std::string name;
  std::string description;
  bool archived = false;
  bool deprecated = false;
  std::string schemas; ///< JSON object text as given; empty: none
  time_point created_at = no_time;
  time_point updated_at = no_time;
};

/// An inbound source (docs/inbound.md): a URL (/in/{id}) a third party such as Typeform posts
/// to. hookd checks the sender's signature (`kind`), stores the event as a message and relays
/// it to the subscribed endpoints like any other message.
struct source_record {
  std::string id;   ///< "src_..."
  std::string name; ///< the event type of its messages when the sender names none
  std::string kind; ///< how the sender signs: typeform, github, stripe, standard or token
  std::string secret;
  std::string previous_secret; ///< still accepted during a rotation, empty otherwise
  time_point previous_secret_expires_at = no_time;
  std::string event_type_from; ///< a JSON Pointer into the body naming the event type; empty: the sender's
  time_point created_at = no_time;
  time_point updated_at = no_time;
};

/// Custom HTTP headers an endpoint's delivery requests carry (name, value), in order.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// What an endpoint of an application (the Svix-compatible API's) carries beyond its delivery
/// settings. Kept in a block of its own so that an endpoint of no application pays one pointer
/// for it: the registry holds every endpoint in memory (≤ 1 KiB each, docs/benchmarks.md).
struct endpoint_tenancy {
  std::string application_id; ///< "app_..."
  std::string uid;            ///< unique within its application; empty: none
  header_list headers;        ///< sent with every delivery request
  std::string metadata = "{}"; ///< a JSON object of strings, as given

  bool empty() const { return application_id.empty() && uid.empty() && headers.empty() && metadata == "{}"; }
};

struct endpoint_record {
  std::string id; ///< "ep_..."
  std::string url;
  std::string description;
  std::vector<std::string> event_types; ///< empty: subscribed to every event type
  std::string secret;                   ///< "whsec_<base64>"
  std::string previous_secret;          ///< kept signing during rotation, empty otherwise
  time_point previous_secret_expires_at = no_time;
  signature_scheme scheme = signature_scheme::standard;
  double rate_limit_per_s = 0; ///< 0: unlimited
  std::int32_t max_concurrency = 16;
  std::int32_t timeout_ms = 0; ///< 0: the configured http.attempt_timeout
  endpoint_status status = endpoint_status::enabled;
  disabled_reason reason = disabled_reason::none;
  /// First failure since the last success (the 24-hour rule's clock); no_time when healthy.
  time_point failing_since = no_time;
  time_point created_at = no_time;
  time_point updated_at = no_time;
  /// The application part; null for an endpoint of no application. Shared between copies and
  /// never changed in place: tenancy() reads it, edit_tenancy() gives this record its own.
  std::shared_ptr<const endpoint_tenancy> tenancy_block;

  const endpoint_tenancy& tenancy() const {
    static const endpoint_tenancy none;
    return tenancy_block ? *tenancy_block : none;
  }
  endpoint_tenancy& edit_tenancy() {
    auto own = std::make_shared<endpoint_tenancy>(tenancy());
    auto& ref = *own;
    tenancy_block = std::move(own);
    return ref;
  }
  /// Sets the block, or drops it when `t` holds nothing.
  void set_tenancy(endpoint_tenancy t) {
    tenancy_block = t.empty() ? nullptr : std::make_shared<const endpoint_tenancy>(std::move(t));
  }
};

struct message_record {
  std::int64_t seq = 0; ///< store-assigned internal key
  std::string id;       ///< "msg_..."
  std::string event_type;
  std::string payload; ///< the JSON bytes exactly as accepted
  time_point created_at = no_time;
  std::string application_id; ///< empty: none; fans out to that application's endpoints only
  std::string event_id;       ///< unique within its application; empty: none
  std::string channels;       ///< a JSON list of strings, as given; empty: none
  /// The inbound source it came from; empty: the API. With a source, event_id is the
  /// sender's own id of the event, unique within the source (a retried post is stored once).
  std::string source_id;
};

struct delivery_record {
  std::int64_t id = 0; ///< store-assigned, increasing
  std::int64_t message_seq = 0;
  std::string message_id;
  std::string endpoint_id;
  delivery_status status = delivery_status::pending;
  failure_reason reason = failure_reason::none;
  std::int32_t attempts = 0;
  time_point first_attempt_at = no_time; ///< starts the retry window
  time_point next_attempt_at = no_time;  ///< due time while pending
  std::int32_t last_status_code = 0;
  attempt_error last_error = attempt_error::none;
  time_point created_at = no_time; ///< when the message was accepted
  time_point updated_at = no_time;
};

/// New state of a delivery after something happened to it (an attempt, exhaustion, ...).
struct delivery_update {
  std::int64_t delivery_id = 0;
  delivery_status status = delivery_status::pending;
  failure_reason reason = failure_reason::none;
  std::int32_t attempts = 0;
  time_point first_attempt_at = no_time;
  time_point next_attempt_at = no_time;
  std::int32_t last_status_code = 0;
  attempt_error last_error = attempt_error::none;
  time_point at = no_time; ///< becomes updated_at
};

struct attempt_record {
  std::int64_t seq = 0; ///< store-assigned; the API id is "att_" + encoded seq
  std::int64_t delivery_id = 0;
  std::string message_id;
  std::string endpoint_id;
  time_point at = no_time; ///< when the attempt started
  attempt_outcome outcome = attempt_outcome::failure;
  std::int32_t status_code = 0; ///< 0: no response
  duration elapsed{0};
  attempt_error error = attempt_error::none;
  std::string error_detail;  ///< human-readable cause, e.g. the TLS verification message
  std::string response_body; ///< first 4 KiB at most
};

/// The settings a PATCH names (bits of `update_endpoint`'s `fields`): only those are written,
/// each over the value stored when the UPDATE runs, so concurrent PATCHes of different fields
/// both survive.
namespace endpoint_field {
inline constexpr std::uint32_t url = 1u << 0;
inline constexpr std::uint32_t description = 1u << 1;
inline constexpr std::uint32_t event_types = 1u << 2;
inline constexpr std::uint32_t scheme = 1u << 3;
inline constexpr std::uint32_t rate_limit_per_s = 1u << 4;
inline constexpr std::uint32_t max_concurrency = 1u << 5;
inline constexpr std::uint32_t timeout_ms = 1u << 6;
inline constexpr std::uint32_t secret = 1u << 7;
inline constexpr std::uint32_t uid = 1u << 8;
inline constexpr std::uint32_t headers = 1u << 9;
inline constexpr std::uint32_t metadata = 1u << 10;
} // namespace endpoint_field

/// What delete_endpoint did.
struct endpoint_deletion {
  bool existed = false;   ///< the endpoint's row was there (and is gone now)
  std::size_t failed = 0; ///< pending deliveries that became failed/endpoint_deleted
  explicit operator bool() const { return existed; }
};

/// Per-endpoint figures for the API's `stats` field.
struct endpoint_stats {
  std::int64_t pending = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
};

/// Store-wide figures for /metrics and /v1/stats, read at one instant `now`.
struct store_counts {
  std::int64_t pending = 0;
  /// Pending deliveries by due time: due now (≤ now), within 1 min, 10 min, 1 h, later.
  std::array<std::int64_t, 5> pending_by_due{};
  std::int64_t endpoints_enabled = 0;
  std::int64_t endpoints_disabled = 0;
};

/// One application's figures for /v1/stats: its endpoints by status and their deliveries by
/// status (delivered and failed as retained).
struct application_counts {
  std::string application_id;
  std::int64_t endpoints_enabled = 0;
  std::int64_t endpoints_disabled = 0;
  std::int64_t pending = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
};

/// Cluster mode: the lease under which an endpoint's owner writes (its partition, and the
/// lease's epoch when this node took it). A write carrying a token commits only while this node
/// still holds that lease (store::hold_leases). No partition: not fenced (one node, SQLite).
struct lease_token {
  std::int32_t part = -1;
  std::int64_t epoch = 0;
  bool fenced() const { return part >= 0; }
  friend bool operator==(const lease_token&, const lease_token&) = default;
};

/// Which messages a listing returns (GET /v1/messages, Svix's message list): every condition
/// that is set must hold. Unset fields select everything.
struct message_filter {
  std::string application_id;           ///< empty: any application, or none
  std::string source_id;                ///< empty: from any source, or none
  /// empty: any; else the message with this event id (the sender's id, for a source's), which
  /// the unique indexes find when application_id or source_id is set too
  std::string event_id;
  std::vector<std::string> event_types; ///< empty: any
  std::string channel;                  ///< empty: any; else messages whose channels list it
  std::string endpoint_id;              ///< empty: any; else with a delivery to this endpoint
  std::int32_t status = -1; ///< a delivery_status code: with a delivery in that state; -1: any
  time_point since = no_time;  ///< created at or after; no_time: no bound
  time_point until = no_time;  ///< created before; no_time: no bound
  std::int64_t before_seq = 0; ///< only messages with a smaller seq (a cursor); 0: from the newest

  /// Conditions no index answers: a page reads a bounded stretch of messages (list_messages).
  bool scans() const {
    return !event_types.empty() || !channel.empty() || !endpoint_id.empty() || status >= 0 ||
           since != no_time || until != no_time ||
           (!event_id.empty() && application_id.empty() && source_id.empty());
  }
};

/// One page of list_messages: newest first.
struct message_page {
  std::vector<message_record> messages;
  /// Where the next page starts (its before_seq): more messages may match below it. 0: none do.
  std::int64_t next_before = 0;
};

/// Which attempts a listing returns (Svix's attempt lists): every condition set must hold.
struct attempt_filter {
  std::string endpoint_id;     ///< empty: any
  /// An attempt_outcome code; -1: any; any_failure: every outcome but success.
  std::int32_t outcome = -1;
  static constexpr std::int32_t any_failure = -2;
  time_point since = no_time;  ///< started at or after
  time_point until = no_time;  ///< started before
  std::int64_t before_seq = 0; ///< only attempts with a smaller seq; 0: from the newest
};

/// One page of list_attempts: newest first; `next_before` as in message_page.
struct attempt_page {
  std::vector<attempt_record> attempts;
  std::int64_t next_before = 0;
};

/// An Idempotency-Key the API has seen: the same key with the same request (hash) returns the
/// message created the first time; another request under that key is a conflict.
struct idempotency_record {
  std::string key;
  std::string request_hash; ///< e.g. hex SHA-256 of method, path and body
  std::string message_id;
  time_point created_at = no_time;
};

} // namespace hookd::store
