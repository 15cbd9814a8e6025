#pragma once
// A response promise that is always answered. CAF 0.17 drops an undelivered promise silently:
// when the actor holding it quits (its state, its pending continuations and its mailbox go
// away), a requester waiting with caf::infinite would wait forever. A guarded_promise shares
// one promise among its copies; when the last copy goes away still undelivered, it answers the
// request with errc::shutting_down ("<actor> stopped before answering").
//
// Use it wherever an actor answers a request later (make_response_promise): keep it in the
// state or capture it in continuations, deliver through any copy, and `return rp;` from the
// handler. Only requests are answered on drop; an asynchronous message (send) gets nothing, as
// before (an unexpected error message would make an event-based sender quit).
#include "messages/errors.hpp"

#include <caf/response_promise.hpp>
#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include <memory>
#include <string>
#include <utility>

namespace hookd {

template <class T>
class guarded_promise {
public:
  guarded_promise() = default;

  /// The promise for the request `self` is handling now.
  template <class Self>
  explicit guarded_promise(Self* self)
      : shared_(std::make_shared<holder>(self->template make_response_promise<T>(),
                                         self->name())) {}

  /// Answers (a value of T, or a caf::error); later deliveries through any copy do nothing.
  template <class U>
  void deliver(U&& x) const {
    if (pending())
      shared_->promise.deliver(std::forward<U>(x));
  }

  /// Not answered yet (and valid).
  bool pending() const { return shared_ && shared_->promise.pending(); }

  /// `return rp;` from a handler: the answer comes later, through the promise.
  operator caf::result<T>() const { return caf::delegated<T>{}; }

private:
  struct holder {
    holder(caf::typed_response_promise<T> p, const char* who)
        : promise(std::move(p)), actor_name(who) {}
    holder(const holder&) = delete;
    holder& operator=(const holder&) = delete;
    ~holder() {
      auto& untyped = static_cast<caf::response_promise&>(promise);
      if (promise.pending() && !untyped.async())
        promise.deliver(
            make_error(errc::shutting_down, std::string{actor_name} + " stopped before answering"));
    }
    caf::typed_response_promise<T> promise;
    const char* actor_name; ///< an actor's name() is a static string
  };
  std::shared_ptr<holder> shared_;
};

} // namespace hookd
