#pragma once
// A request made by a throw-away event-based actor, so that a test under CAF's test
// coordinator can see whether (and how) it was answered without blocking: a blocking
// request().receive() would hang there (nothing runs the other actors meanwhile).
#include <caf/all.hpp>

#include <memory>
#include <optional>

namespace hookd::testing {

template <class Reply>
struct asked {
  std::optional<Reply> reply;
  std::optional<caf::error> error;
  bool answered() const { return reply.has_value() || error.has_value(); }
};

/// Spawns an actor that sends `xs...` to `dest` as a request without time-out and records the
/// answer. The request goes out when the coordinator runs that actor.
template <class Reply, class Handle, class... Ts>
std::shared_ptr<asked<Reply>> ask_later(caf::actor_system& sys, const Handle& dest, Ts... xs) {
  auto out = std::make_shared<asked<Reply>>();
  // The target is passed as a spawn argument, not captured: CAF 0.17 binds a reference to a
  // null tuple of arguments when a function-based actor is spawned without any (UBSan's
  // "reference binding to null pointer" in init_fun_factory_helper).
  sys.spawn([=](caf::event_based_actor* self, const caf::actor& target) {
    self->request(target, caf::infinite, xs...)
        .then([=](Reply& r) { out->reply = std::move(r); },
              [=](caf::error& e) { out->error = std::move(e); });
  }, caf::actor_cast<caf::actor>(dest));
  return out;
}

/// Kills `dest` ahead of the messages already in its mailbox (anon_send_exit queues the exit
/// behind them): an urgent exit message.
template <class Handle>
void kill_now(const Handle& dest) {
  caf::anon_send<caf::message_priority::high>(
      caf::actor_cast<caf::actor>(dest),
      caf::exit_msg{dest.address(), caf::exit_reason::kill});
}

} // namespace hookd::testing
