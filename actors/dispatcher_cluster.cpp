// Cluster mode (several nodes on one PostgreSQL): the dispatcher runs actors only for the
// endpoints of the partitions this node holds leases for (delivery/endpoint_ownership.hpp).
// Leases come and go through the membership actor (actors/cluster_membership.hpp); work and
// endpoint changes committed by other nodes arrive as announcements (PostgreSQL NOTIFY, read
// by app/cluster_listener.hpp).
#include "actors/dispatcher_state.hpp"
#include "messages/errors.hpp"

#include <algorithm>

namespace hookd::dispatch {
namespace {

bool in(const std::vector<std::uint32_t>& parts, const std::string& endpoint_id) {
  return std::find(parts.begin(), parts.end(), policy::partition_of(endpoint_id)) != parts.end();
}

/// Takes the live actors of `parts` out of the live set.
std::vector<std::pair<std::string, endpoint_actor>> take_actors(dispatcher_ptr self,
                                                                const std::vector<std::uint32_t>& parts) {
  auto& st = self->state;
  std::vector<std::pair<std::string, endpoint_actor>> taken;
  for (auto it = st.live.begin(); it != st.live.end();) {
    if (in(parts, it->first)) {
      taken.emplace_back(it->first, it->second.actor);
      it = st.live.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

/// Spawns the actors of the owned endpoints with pending work in `parts` (all owned: null).
/// Their settings are read from the store first: the previous owner may have moved an
/// endpoint's 24-hour clock since this node's registry last heard of it.
void load_owned_work(dispatcher_ptr self, std::optional<std::vector<std::uint32_t>> parts) {
  auto fail = [=](caf::error& e) {
    self->state.log->error("cluster: loading the pending work of new partitions: {}",
                           describe(e));
  };
  self->request(self->state.deps.reader, caf::infinite, pending_atom_v)
      .then(
          [=](std::vector<std::string>& with_pending) {
            auto& st = self->state;
            std::erase_if(with_pending, [&](const std::string& id) {
              return !st.owned.owns(id) || (parts && !in(*parts, id));
            });
            if (with_pending.empty() || st.shutting_down)
              return;
            self->request(st.deps.reader, caf::infinite, endpoints_query{with_pending})
                .then(
                    [=](std::vector<store::endpoint_record>& fresh) {
                      auto& st = self->state;
                      if (st.shutting_down)
                        return;
                      for (auto& ep : fresh)
                        if (!st.live.contains(ep.id)) // a live actor is the one that wrote it
                          st.registry.put(std::move(ep));
                      const auto n = spawn_pending(self, with_pending);
                      st.log->info("cluster: {} endpoints with pending deliveries taken over", n);
                    },
                    fail);
          },
          fail);
}

/// Cluster mode: how many registered endpoints this node owns (GET /v1/cluster, heartbeat).
void count_owned(dispatcher_ptr self) {
  auto& st = self->state;
  std::int64_t n = 0;
  st.registry.for_each([&](const store::endpoint_record& ep) {
    if (st.owned.owns(ep.id))
      ++n;
  });
  st.deps.ctx->endpoints_owned->store(n);
}

} // namespace

void leases_changed_here(dispatcher_ptr self, leases_changed& change) {
  auto& st = self->state;
  if (!change.lost.empty()) {
    // Another node may own them already: stop at once, write nothing more (the store would
    // refuse it anyway). Attempts in flight are abandoned; the new owner repeats them.
    for (auto& [id, actor] : take_actors(self, change.lost))
      self->send_exit(actor, caf::exit_reason::user_shutdown);
    for (auto p : change.lost)
      st.owned.lose(p);
    st.log->warn("cluster: {} partitions lost", change.lost.size());
  }
  if (change.gained.empty()) {
    count_owned(self);
    return;
  }
  std::vector<std::uint32_t> parts;
  for (const auto& t : change.gained) {
    st.owned.gain(t);
    parts.push_back(static_cast<std::uint32_t>(t.part));
  }
  st.log->info("cluster: {} partitions gained ({} held)", parts.size(), st.owned.parts().size());
  count_owned(self);
  if (st.ready) // before recovery finished, recovery itself spawns what is owned by then
    load_owned_work(self, std::move(parts));
}

caf::result<caf::ok_atom> release(dispatcher_ptr self, release_leases& req) {
  auto& st = self->state;
  for (auto p : req.parts) // nothing new is routed to them
    st.owned.lose(p);
  count_owned(self);
  guarded_promise<caf::ok_atom> rp{self};
  auto parts = req.parts;
  drain(self, take_actors(self, parts), [=]() mutable {
    // Their last results committed before the lease goes: the next owner reads them.
    self->request(self->state.deps.writer, caf::infinite, flush_atom_v)
        .then([=](caf::ok_atom) mutable { rp.deliver(caf::ok_atom_v); },
              [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  });
  st.log->info("cluster: handing {} partitions over", parts.size());
  return rp;
}

void deliveries_arrived(dispatcher_ptr self, deliveries_announced& news) {
  auto& st = self->state;
  if (!st.ready || st.shutting_down)
    return; // recovery reads them from the store
  pending_of_messages_query q;
  for (const auto& item : news.items)
    if (st.owned.owns_part(item.part))
      q.message_seqs.push_back(item.message_seq);
  if (q.message_seqs.empty())
    return;
  self->request(st.deps.reader, caf::infinite, std::move(q))
      .then(
          [=](announced_work& work) {
            auto& pending = work.deliveries;
            std::erase_if(pending, [&](const auto& d) { return !self->state.owned.owns(d.endpoint_id); });
            route(self, pending, work.bodies);
          },
          [=](caf::error& e) {
            self->state.log->error("cluster: loading announced deliveries: {}", describe(e));
          });
}

void endpoints_changed(dispatcher_ptr self, endpoints_announced& news) {
  auto ids = news.endpoint_ids;
  self->request(self->state.deps.reader, caf::infinite, endpoints_query{ids})
      .then(
          [=](std::vector<store::endpoint_record>& found) {
            auto& st = self->state;
            const auto registered_before = st.registry.size();
            for (const auto& id : ids) {
              auto it = std::find_if(found.begin(), found.end(),
                                     [&](const auto& ep) { return ep.id == id; });
              if (it == found.end()) { // deleted
                st.registry.remove(id);
                st.parked.unpark(id);
                if (auto live = st.live.find(id); live != st.live.end()) {
                  self->send(live->second.actor, stop_atom_v);
                  st.live.erase(live);
                }
                continue;
              }
              const auto* before = st.registry.find(id);
              const bool status_moved = before == nullptr || before->status != it->status;
              st.registry.put(*it);
              auto live = st.live.find(id);
              if (live != st.live.end()) {
                self->send(live->second.actor, *it);
                if (status_moved)
                  self->send(live->second.actor,
                             endpoint_status_changed{id, it->status, it->reason});
              }
              if (it->status == endpoint_status::disabled)
                st.parked.unpark(id);
              // Work re-queued on another node (recover, retry) reaches the owner this way.
              if (st.owned.owns(id) && it->status == endpoint_status::enabled && st.ready &&
                  !st.shutting_down)
                self->request(st.deps.reader, caf::infinite, load_pending_query{id})
                    .then([=](std::vector<store::delivery_record>& pending) {
                      route(self, pending, payload{});
                    },
                    [=](caf::error& e) {
                      self->state.log->error("cluster: reloading endpoint {}: {}", id,
                                             describe(e));
                    });
            }
            if (st.registry.size() != registered_before) // created or deleted: count again
              count_owned(self);
          },
          [=](caf::error& e) {
            self->state.log->error("cluster: loading changed endpoints: {}", describe(e));
          });
}

void resync(dispatcher_ptr self) {
  // Announcements may have been missed (the listener's connection was lost): read the
  // endpoints again, and every owned endpoint's pending work (the scheduler ignores
  // deliveries it already holds).
  self->request(self->state.deps.reader, caf::infinite, endpoints_atom_v)
      .then(
          [=](std::vector<store::endpoint_record>& endpoints) {
            auto& st = self->state;
            std::vector<std::string> ids;
            for (auto& ep : endpoints) {
              ids.push_back(ep.id);
              st.registry.put(std::move(ep));
            }
            endpoints_announced news{std::move(ids)};
            endpoints_changed(self, news);
            load_owned_work(self, std::nullopt);
          },
          [=](caf::error& e) { self->state.log->error("cluster: resync: {}", describe(e)); });
}

} // namespace hookd::dispatch
