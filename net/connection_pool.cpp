#include "net/connection_pool.hpp"

#include <algorithm>

namespace hookd::net {

std::shared_ptr<http_session> connection_pool::take(const std::string& origin) {
  auto it = idle_.find(origin);
  if (it == idle_.end())
    return nullptr;
  auto newest = std::move(it->second.back());
  it->second.pop_back();
  if (it->second.empty())
    idle_.erase(it);
  order_.erase(newest.seq);
  return std::move(newest.session);
}

connection_pool::put_result connection_pool::put(const std::string& origin,
                                                 std::shared_ptr<http_session> s) {
  put_result r;
  auto it = idle_.find(origin);
  const std::size_t parked_here = it == idle_.end() ? 0 : it->second.size();
  if (max_total_ == 0 || parked_here >= max_per_origin_)
    return r; // the origin is full: the caller closes `s`
  if (order_.size() >= max_total_)
    r.evicted = take_oldest();
  const auto seq = next_seq_++;
  idle_[origin].push_back({seq, std::move(s)});
  order_.emplace(seq, origin);
  r.stored = true;
  return r;
}

std::shared_ptr<http_session> connection_pool::take_oldest() {
  auto oldest = order_.begin();
  auto it = idle_.find(oldest->second);
  auto s = std::move(it->second.front().session); // the origin's oldest is the oldest of all
  it->second.pop_front();
  if (it->second.empty())
    idle_.erase(it);
  order_.erase(oldest);
  return s;
}

void connection_pool::remove(const std::string& origin, const http_session* s) {
  auto it = idle_.find(origin);
  if (it == idle_.end())
    return;
  auto& list = it->second;
  auto pos = std::find_if(list.begin(), list.end(),
                          [&](const parked& p) { return p.session.get() == s; });
  if (pos == list.end())
    return;
  order_.erase(pos->seq);
  list.erase(pos);
  if (list.empty())
    idle_.erase(it);
}

std::vector<std::shared_ptr<http_session>> connection_pool::take_all() {
  std::vector<std::shared_ptr<http_session>> all;
  all.reserve(order_.size());
  for (auto& [origin, list] : idle_)
    for (auto& p : list)
      all.push_back(std::move(p.session));
  idle_.clear();
  order_.clear();
  return all;
}

} // namespace hookd::net
