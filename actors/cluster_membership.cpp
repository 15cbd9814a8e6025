#include "actors/cluster_membership.hpp"

#include "actors/guarded_promise.hpp"
#include "logging/logger.hpp"
#include "messages/errors.hpp"
#include "policy/lease_plan.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace hookd {
namespace {

using steady = std::chrono::steady_clock;

/// Dead nodes are forgotten by the leader after this long.
constexpr auto forget_after = std::chrono::hours{24};

struct membership_state {
  static inline const char* name = "hookd.cluster_membership";
  cluster_membership_deps deps;
  std::unique_ptr<store::cluster_store> db;
  std::map<std::uint32_t, std::int64_t> held; ///< partition -> epoch, as the dispatcher knows them
  /// Partitions being handed over: their actors drain, the leases are still renewed until the
  /// release, and the plan does not hand them over twice.
  std::set<std::uint32_t> releasing;
  std::vector<store::cluster_node> nodes;
  bool leader = false;
  bool failing = false; ///< in an episode of failed heartbeats (logged once)
  bool left = false;
  steady::time_point last_beat{};
  steady::time_point last_forget{};
  std::shared_ptr<spdlog::logger> log = logging::get("cluster");
};

using membership_ptr = cluster_membership_actor::stateful_pointer<membership_state>;

const config::cluster_section& cfg(membership_ptr self) { return self->state.deps.ctx->cfg->cluster; }

/// Partitions whose deadline passed without a renewal are dropped (another node may hold them).
void check_deadline(membership_ptr self) {
  auto& st = self->state;
  const auto now = steady::now();
  leases_changed change;
  for (auto it = st.held.begin(); it != st.held.end();) {
    if (st.deps.ctx->lease_deadlines->allows(static_cast<std::int32_t>(it->first), now)) {
      ++it;
    } else {
      change.lost.push_back(it->first);
      it = st.held.erase(it);
    }
  }
  if (change.lost.empty())
    return;
  st.log->error("cluster: no lease renewal for {} ms: stopped delivering for {} partitions "
                "until the database answers again",
                std::chrono::duration_cast<std::chrono::milliseconds>(cfg(self).lease_ttl).count(),
                change.lost.size());
  self->send(st.deps.dispatcher, std::move(change));
}

/// Hands `parts` over: the dispatcher drains their actors, then the leases are released.
void hand_over(membership_ptr self, const std::vector<std::uint32_t>& parts) {
  auto& st = self->state;
  for (auto p : parts) {
    st.held.erase(p);
    st.releasing.insert(p);
  }
  auto done = [=] {
    for (auto p : parts)
      self->state.releasing.erase(p);
  };
  self->request(st.deps.dispatcher, caf::infinite, release_leases{parts})
      .then(
          [=](caf::ok_atom) {
            auto& st = self->state;
            done();
            for (auto p : parts)
              st.deps.ctx->lease_deadlines->revoke(p);
            if (!st.db)
              return; // the next heartbeat gives them back (they are no longer held)
            try {
              st.db->release(parts);
              st.log->info("cluster: released {} partitions", parts.size());
            } catch (const store::error& e) {
              st.log->warn("cluster: releasing partitions: {}", e.what());
            }
          },
          [=](caf::error& e) {
            done();
            self->state.log->warn("cluster: handing partitions over: {}", describe(e));
          });
}

void beat(membership_ptr self) {
  auto& st = self->state;
  if (st.left)
    return;
  const auto sent = steady::now();
  st.last_beat = sent;
  store::heartbeat_report report;
  try {
    if (!st.db)
      st.db = st.deps.connect();
    store::cluster_node me;
    me.started_at = st.deps.ctx->started_at;
    me.version = st.deps.version;
    me.endpoints_owned = st.deps.endpoints_owned ? st.deps.endpoints_owned() : 0;
    const auto window = st.deps.ctx->metrics->windows.last_5m(st.deps.ctx->clock.now(self->clock()));
    me.attempts_5m = static_cast<std::int64_t>(window.total());
    me.failed_5m = static_cast<std::int64_t>(window.failed);
    std::vector<std::uint32_t> mine(st.releasing.begin(), st.releasing.end());
    for (const auto& [part, epoch] : st.held)
      mine.push_back(part);
    report = st.db->heartbeat(me, mine);
  } catch (const store::error& e) {
    st.db.reset(); // the session ends, and the leader lock with it
    if (st.leader)
      st.log->info("cluster: this node is no longer the leader");
    st.leader = false;
    st.deps.ctx->leader->store(false);
    if (!st.failing)
      st.log->error("cluster: heartbeat failed: {}", e.what());
    st.failing = true;
    st.deps.ctx->cluster_in_touch->store(false);
    check_deadline(self);
    return;
  }
  if (st.failing)
    st.log->info("cluster: heartbeat succeeds again");
  st.failing = false;
  st.deps.ctx->cluster_in_touch->store(true);
  st.deps.ctx->store_writable->store(true); // the database is back (the writer retries its own)
  const auto ttl = cfg(self).lease_ttl;
  const auto deadline = policy::lease_deadlines::after_renewal(
      sent, std::chrono::duration_cast<steady::duration>(ttl),
      std::chrono::duration_cast<steady::duration>(lease_margin(ttl)));
  auto& deadlines = *st.deps.ctx->lease_deadlines;
  for (const auto& t : report.held) // renewed (held or being handed over): ahead again
    deadlines.set(static_cast<std::uint32_t>(t.part), deadline);

  leases_changed change;
  for (auto it = st.held.begin(); it != st.held.end();) {
    const auto renewed = std::any_of(report.held.begin(), report.held.end(), [&](const auto& t) {
      return static_cast<std::uint32_t>(t.part) == it->first && t.epoch == it->second;
    });
    if (renewed) {
      ++it;
    } else { // expired (a pause longer than the lease) or taken: not ours any more
      deadlines.revoke(it->first);
      change.lost.push_back(it->first);
      it = st.held.erase(it);
    }
  }
  if (!change.lost.empty()) // attempts for them are fenced off: another node repeats those in flight
    st.log->warn("cluster: lost {} partitions (lease expired or taken over)", change.lost.size());
  const auto live = std::max<std::size_t>(1, report.live_nodes.size());
  auto plan = policy::plan_leases(st.deps.ctx->node_id, live, report.leases);
  try {
    for (const auto& t : st.db->claim(plan.claim)) {
      st.held[static_cast<std::uint32_t>(t.part)] = t.epoch;
      deadlines.set(static_cast<std::uint32_t>(t.part), deadline);
      change.gained.push_back(t);
    }
  } catch (const store::error& e) {
    st.log->warn("cluster: claiming partitions: {}", e.what());
    st.db.reset();
  }
  if (!change.gained.empty() || !change.lost.empty())
    self->send(st.deps.dispatcher, std::move(change));
  std::erase_if(plan.release, [&](std::uint32_t p) { return st.releasing.contains(p); });
  if (!plan.release.empty())
    hand_over(self, plan.release);

  if (report.leader != st.leader)
    st.log->info("cluster: this node {} the leader", report.leader ? "is now" : "is no longer");
  st.leader = report.leader;
  st.deps.ctx->leader->store(report.leader);
  policy::attempt_counts cluster_5m;
  for (const auto& n : report.live_nodes) {
    cluster_5m.failed += static_cast<std::uint64_t>(n.failed_5m);
    cluster_5m.succeeded += static_cast<std::uint64_t>(n.attempts_5m - n.failed_5m);
  }
  st.deps.ctx->cluster_attempts_5m->set(cluster_5m);
  st.nodes = std::move(report.live_nodes);
  if (st.leader && st.db && sent - st.last_forget > std::chrono::hours{1}) {
    st.last_forget = sent;
    try {
      st.db->forget_dead_nodes(forget_after);
    } catch (const store::error& e) {
      st.log->warn("cluster: forgetting dead nodes: {}", e.what());
    }
  }
}

cluster_membership_actor::behavior_type membership(membership_ptr self,
                                                   cluster_membership_deps deps) {
  self->state.deps = std::move(deps);
  self->state.deps.ctx->lease_deadlines->revoke_all(); // nothing is held before the first beat
  self->state.deps.ctx->leader->store(false);
  return {
      [=](tick_atom) {
        beat(self);
        if (!self->state.left)
          self->delayed_send(self, cfg(self).heartbeat, tick_atom_v);
      },
      [=](resync_atom) {
        // Another node released partitions: plan now rather than at the next heartbeat.
        if (steady::now() - self->state.last_beat > std::chrono::milliseconds{200})
          beat(self);
      },
      [=](cluster_query) {
        auto& st = self->state;
        return cluster_view{st.deps.ctx->node_id, st.leader, st.nodes,
                            static_cast<std::uint32_t>(st.held.size())};
      },
      [=](leave_atom) -> caf::result<caf::ok_atom> {
        auto& st = self->state;
        st.left = true;
        st.deps.ctx->lease_deadlines->revoke_all();
        st.held.clear();
        try {
          if (!st.db)
            st.db = st.deps.connect();
          st.db->leave();
          st.log->info("cluster: left the cluster; partitions released");
        } catch (const store::error& e) {
          st.log->warn("cluster: leaving: {} (the leases expire by themselves)", e.what());
        }
        st.db.reset();
        return caf::ok_atom_v;
      },
  };
}

} // namespace

duration lease_margin(duration lease_ttl) {
  return std::min<duration>(lease_ttl / 5, std::chrono::seconds{1});
}

cluster_membership_actor spawn_cluster_membership(caf::actor_system& sys,
                                                  cluster_membership_deps deps, bool detached) {
  if (detached)
    return sys.spawn<caf::detached>(membership, std::move(deps));
  return sys.spawn(membership, std::move(deps));
}

} // namespace hookd
