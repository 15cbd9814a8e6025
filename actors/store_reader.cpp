#include "actors/store_reader.hpp"

#include "actors/quiet_release.hpp"
#include "logging/logger.hpp"
#include "messages/errors.hpp"

#include <caf/all.hpp>

namespace hookd {
namespace {

/// idle_atom: the quiet_release timer.
using reader_impl = store_reader_actor::extend<caf::reacts_to<idle_atom>>;

struct reader_state {
  static inline const char* name = "hookd.store_reader";
  std::shared_ptr<store::store> db;
  quiet_release quiet;
};

using reader_ptr = reader_impl::stateful_pointer<reader_state>;

/// Runs a query, turning a store::error into an error reply.
template <class Fn>
auto guarded(reader_ptr self, Fn fn) -> caf::result<decltype(fn(*self->state.db))> {
  note_store_activity(self);
  try {
    return fn(*self->state.db);
  } catch (const store::error& e) {
    logging::get("store")->error("store read failed: {}", e.what());
    return make_error(errc::store_failed, e.what());
  }
}

/// Runs a query that may itself answer with an error.
template <class Fn>
auto guarded_or(reader_ptr self, Fn fn) -> decltype(fn(*self->state.db)) {
  note_store_activity(self);
  try {
    return fn(*self->state.db);
  } catch (const store::error& e) {
    logging::get("store")->error("store read failed: {}", e.what());
    return make_error(errc::store_failed, e.what());
  }
}

/// Each endpoint with its delivery counts.
std::vector<endpoint_view> with_stats(store::store& s, std::vector<store::endpoint_record> endpoints) {
  std::vector<std::string> ids;
  ids.reserve(endpoints.size());
  for (const auto& ep : endpoints)
    ids.push_back(ep.id);
  auto stats = s.stats_of(ids);
  std::vector<endpoint_view> page;
  for (std::size_t i = 0; i < endpoints.size(); ++i)
    page.push_back(endpoint_view{std::move(endpoints[i]), stats[i].second});
  return page;
}

reader_impl::behavior_type reader(reader_ptr self, std::shared_ptr<store::store> db) {
  self->state.db = std::move(db);
  return {
      [=](const load_pending_query& q) {
        return guarded(self, [&](store::store& s) { return s.load_pending(q.endpoint_id); });
      },
      [=](const pending_of_messages_query& q) {
        return guarded(self, [&](store::store& s) {
          announced_work out;
          out.deliveries = s.pending_of_messages(q.message_seqs);
          std::vector<std::int64_t> seqs;
          for (const auto& d : out.deliveries)
            if (seqs.empty() || seqs.back() != d.message_seq) // by message: each seq once
              seqs.push_back(d.message_seq);
          for (auto& [seq, bytes] : s.load_payloads(seqs))
            out.bodies.push_back(payload_entry{seq, payload{std::move(bytes)}});
          return out;
        });
      },
      [=](const endpoints_query& q) {
        return guarded(self, [&](store::store& s) {
          std::vector<store::endpoint_record> found;
          for (const auto& id : q.endpoint_ids)
            if (auto ep = s.find_endpoint(id))
              found.push_back(std::move(*ep));
          return found;
        });
      },
      [=](const load_payloads_query& q) {
        return guarded(self, [&](store::store& s) {
          std::vector<payload_entry> out;
          for (auto& [seq, bytes] : s.load_payloads(q.message_seqs))
            out.push_back(payload_entry{seq, payload{std::move(bytes)}});
          return out;
        });
      },
      [=](endpoints_atom) {
        return guarded(self, [](store::store& s) { return s.load_endpoints(); });
      },
      [=](pending_atom) {
        return guarded(self, [](store::store& s) { return s.endpoints_with_pending(); });
      },
      [=](const endpoint_query& q) -> caf::result<endpoint_view> {
        return guarded_or(self, [&](store::store& s) -> caf::result<endpoint_view> {
          auto ep = s.find_endpoint(q.endpoint_id);
          if (!q.application_id.empty()) {
            if (ep && ep->tenancy().application_id != q.application_id)
              ep.reset(); // another application's: as if it did not exist
            if (!ep)
              ep = s.find_endpoint_by_uid(q.application_id, q.endpoint_id);
          }
          if (!ep)
            return make_error(errc::unknown_endpoint, "no endpoint " + q.endpoint_id);
          const std::string ids[] = {ep->id};
          auto stats = s.stats_of(ids);
          return endpoint_view{std::move(*ep), stats.front().second};
        });
      },
      [=](const list_endpoints_query& q) {
        return guarded(self, [&](store::store& s) {
          return with_stats(s, s.list_endpoints(q.after_id, q.limit));
        });
      },
      [=](const list_application_endpoints_query& q) {
        return guarded(self, [&](store::store& s) {
          return with_stats(s, s.list_application_endpoints(q.application_id, q.after_id, q.limit));
        });
      },
      [=](const application_query& q) -> caf::result<store::application_record> {
        return guarded_or(self, [&](store::store& s) -> caf::result<store::application_record> {
          auto app = s.find_application(q.id_or_uid);
          if (!app)
            app = s.find_application_by_uid(q.id_or_uid);
          if (!app)
            return make_error(errc::unknown_application, "no application " + q.id_or_uid);
          return std::move(*app);
        });
      },
      [=](const list_applications_query& q) {
        return guarded(self, [&](store::store& s) { return s.list_applications(q.after_id, q.limit); });
      },
      [=](const list_messages_query& q) {
        return guarded(self, [&](store::store& s) { return s.list_messages(q.filter, q.limit, q.scan_limit); });
      },
      [=](const list_attempts_query& q) {
        return guarded(self, [&](store::store& s) { return s.list_attempts(q.filter, q.limit, q.scan_limit); });
      },
      [=](const event_type_query& q) -> caf::result<store::event_type_record> {
        return guarded_or(self, [&](store::store& s) -> caf::result<store::event_type_record> {
          auto t = s.find_event_type(q.name);
          if (!t)
            return make_error(errc::unknown_event_type, "no event type " + q.name);
          return std::move(*t);
        });
      },
      [=](const application_counts_query&) {
        return guarded(self, [](store::store& s) { return s.counts_by_application(); });
      },
      [=](const source_query& q) -> caf::result<store::source_record> {
        return guarded_or(self, [&](store::store& s) -> caf::result<store::source_record> {
          auto src = s.find_source(q.source_id);
          if (!src)
            return make_error(errc::unknown_source, "no source " + q.source_id);
          return std::move(*src);
        });
      },
      [=](const list_sources_query& q) {
        return guarded(self, [&](store::store& s) { return s.list_sources(q.after_id, q.limit); });
      },
      [=](const list_event_types_query& q) {
        return guarded(self, [&](store::store& s) { return s.list_event_types(q.after_name, q.limit); });
      },
      [=](const attempt_query& q) -> caf::result<store::attempt_record> {
        return guarded_or(self, [&](store::store& s) -> caf::result<store::attempt_record> {
          auto a = s.find_attempt(q.seq);
          if (!a)
            return make_error(errc::unknown_attempt, "no attempt " + std::to_string(q.seq));
          return std::move(*a);
        });
      },
      [=](const message_query& q) -> caf::result<message_view> {
        return guarded_or(self, [&](store::store& s) -> caf::result<message_view> {
          auto msg = s.find_message(q.message_id);
          if (!msg)
            return make_error(errc::unknown_message, "no message " + q.message_id);
          auto deliveries = s.deliveries_of(msg->seq);
          return message_view{std::move(*msg), std::move(deliveries)};
        });
      },
      [=](const attempts_query& q) {
        return guarded(self, [&](store::store& s) { return s.attempts_of(q.message_id); });
      },
      [=](const counts_query& q) {
        return guarded(self, [&](store::store& s) { return s.counts(q.now); });
      },
      [=](const idempotency_query& q) {
        return guarded(self, [&](store::store& s) {
          return s.find_idempotency(q.key).value_or(store::idempotency_record{});
        });
      },
      [=](const idempotency_keys_query& q) {
        return guarded(self, [&](store::store& s) {
          std::vector<store::idempotency_record> found;
          found.reserve(q.keys.size());
          for (const auto& key : q.keys)
            found.push_back(s.find_idempotency(key).value_or(store::idempotency_record{}));
          return found;
        });
      },
      [=](idle_atom) { on_quiet_tick(self); },
  };
}

} // namespace

store_reader_actor spawn_store_reader(caf::actor_system& sys, std::shared_ptr<store::store> db,
                                      bool detached) {
  if (detached)
    return sys.spawn<caf::detached>(reader, std::move(db));
  return sys.spawn(reader, std::move(db));
}

} // namespace hookd
