#include "actors/http_destination.hpp"

#include "actors/guarded_promise.hpp"
#include "hookd_version.hpp"
#include "net/io_worker.hpp"
#include "policy/address_policy.hpp"
#include "policy/signing.hpp"

#include <caf/all.hpp>

#include <deque>
#include <memory>
#include <unordered_map>

namespace hookd {
namespace {

/// io thread → actor: one exchange ended.
struct io_done {
  std::uint64_t token = 0;
  attempt_result result;
};

} // namespace
} // namespace hookd

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hookd::io_done)

namespace hookd {
namespace {

using http_impl = destination_actor::extend<caf::reacts_to<io_done>>;

struct waiting_attempt {
  std::uint64_t token;
  attempt_request request;
};

/// Attempts over the in-flight limit, served round-robin by endpoint: when a slot frees, the
/// next endpoint in turn gets it, so endpoints with many queued attempts (slow or hanging ones)
/// cannot make a healthy endpoint wait behind all of them.
class fair_queue {
public:
  bool empty() const { return turns_.empty(); }

  void push(waiting_attempt w) {
    auto& queue = by_endpoint_[w.request.endpoint_id];
    if (queue.empty())
      turns_.push_back(w.request.endpoint_id);
    queue.push_back(std::move(w));
  }

  waiting_attempt pop() {
    const std::string endpoint = std::move(turns_.front());
    turns_.pop_front();
    auto it = by_endpoint_.find(endpoint);
    waiting_attempt w = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty())
      by_endpoint_.erase(it);
    else
      turns_.push_back(endpoint);
    return w;
  }

private:
  std::unordered_map<std::string, std::deque<waiting_attempt>> by_endpoint_;
  std::deque<std::string> turns_; ///< endpoints with queued attempts, in serving order
};

struct http_state {
  static inline const char* name = "hookd.http_destination";
  http_destination_options opts;
  std::unique_ptr<net::io_worker> worker;
  /// Answered when the exchange ends; with an error if this actor stops first.
  std::unordered_map<std::uint64_t, guarded_promise<attempt_result>> pending;
  fair_queue waiting; ///< over max_in_flight
  std::size_t in_flight = 0;
  std::uint64_t next_token = 1;
};

using http_ptr = http_impl::stateful_pointer<http_state>;

net::http_request to_http(const http_destination_options& opts, const attempt_request& req) {
  net::http_request out;
  out.url = req.url;
  out.body = req.body.shared();
  out.connect_timeout = std::min(opts.connect_timeout, req.timeout);
  out.total_timeout = req.timeout;
  const auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  out.headers = req.headers; // the endpoint's own first: hookd's signature headers follow
  auto signature = policy::signature_headers(req.scheme, req.secrets, req.message_id, unix_seconds,
                                             req.body.str());
  if (req.svix_headers)
    policy::add_svix_headers(signature);
  out.headers.insert(out.headers.end(), std::make_move_iterator(signature.begin()),
                     std::make_move_iterator(signature.end()));
  return out;
}

attempt_result to_result(std::int64_t delivery_id, net::http_response&& r) {
  attempt_result out;
  out.delivery_id = delivery_id;
  out.status = r.status;
  out.error = r.error;
  out.error_detail = std::move(r.error_detail);
  out.response_body = std::move(r.body);
  out.retry_after = r.retry_after.value_or("");
  out.elapsed = r.elapsed;
  return out;
}

void start(http_ptr self, std::uint64_t token, const attempt_request& req) {
  auto& st = self->state;
  ++st.in_flight;
  // A weak handle: the io thread must not keep this actor alive.
  caf::weak_actor_ptr weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  const auto delivery_id = req.delivery_id;
  st.worker->submit(to_http(st.opts, req), [weak, token, delivery_id](net::http_response r) {
    if (auto strong = caf::actor_cast<http_impl>(weak))
      caf::anon_send(strong, io_done{token, to_result(delivery_id, std::move(r))});
  });
}

http_impl::behavior_type http_destination(http_ptr self, http_destination_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.worker = std::make_unique<net::io_worker>(st.opts.client);
  return {
      [=](attempt_request& req) -> caf::result<attempt_result> {
        auto& st = self->state;
        guarded_promise<attempt_result> rp{self};
        const auto token = st.next_token++;
        st.pending.emplace(token, rp);
        if (st.in_flight < st.opts.max_in_flight)
          start(self, token, req);
        else
          st.waiting.push(waiting_attempt{token, std::move(req)});
        return rp;
      },
      [=](io_done& done) {
        auto& st = self->state;
        --st.in_flight;
        if (auto it = st.pending.find(done.token); it != st.pending.end()) {
          it->second.deliver(std::move(done.result));
          st.pending.erase(it);
        }
        if (!st.waiting.empty()) {
          auto next = st.waiting.pop();
          start(self, next.token, next.request);
        }
      },
  };
}

} // namespace

http_destination_options http_destination_options_from(const config::config& cfg, int share,
                                                       const std::string& node_id) {
  http_destination_options opts;
  opts.client.user_agent = std::string{"hookd/"} + version;
  if (!node_id.empty())
    opts.client.user_agent += " (node " + node_id + ")";
  opts.client.ca_file = cfg.http.ca_file;
  // The SSRF guard, on every resolved address before connecting (docs/security.md). With
  // allow_private_targets on everything is allowed, so no filter is needed.
  if (!cfg.endpoints.allow_private_targets) {
    auto guard = policy::address_policy::from_config(false, cfg.endpoints.allow_cidrs);
    opts.client.address_filter = [guard = std::move(guard)](const boost::asio::ip::address& a) {
      if (a.is_v4())
        return guard.allows(policy::ip_address::from_v4(a.to_v4().to_bytes()));
      return guard.allows(policy::ip_address::from_v6(a.to_v6().to_bytes()));
    };
  }
  opts.connect_timeout = cfg.http.connect_timeout;
  opts.max_in_flight =
      static_cast<std::size_t>(std::max(1, cfg.http.max_in_flight / std::max(1, share)));
  // As many idle connections as attempts: the descriptor reserve (config/fd_budget) counts both.
  opts.client.max_idle_total = opts.max_in_flight;
  return opts;
}

destination_actor spawn_http_destination(caf::actor_system& sys, http_destination_options opts) {
  return sys.spawn(http_destination, std::move(opts));
}

} // namespace hookd
