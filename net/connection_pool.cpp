#include "net/connection_pool.hpp"

#include <algorithm>

namespace hookd::net {

std::shared_ptr<http_session> connection_pool::take(const std::string& origin) {
  auto it = idle_.find(origin);
  if (it == idle_.end())
    return nullptr;
  auto s = std::move(it->second.back());
  it->second.pop_back();
  if (it->second.empty())
    idle_.erase(it);
  --size_;
  return s;
}

bool connection_pool::put(const std::string& origin, std::shared_ptr<http_session> s) {
  auto& list = idle_[origin];
  if (list.size() >= max_per_origin_) {
    if (list.empty())
      idle_.erase(origin);
    return false;
  }
  list.push_back(std::move(s));
  ++size_;
  return true;
}

void connection_pool::remove(const std::string& origin, const http_session* s) {
  auto it = idle_.find(origin);
  if (it == idle_.end())
    return;
  auto& list = it->second;
  auto pos = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.get() == s; });
  if (pos == list.end())
    return;
  list.erase(pos);
  --size_;
  if (list.empty())
    idle_.erase(it);
}

std::vector<std::shared_ptr<http_session>> connection_pool::take_all() {
  std::vector<std::shared_ptr<http_session>> all;
  all.reserve(size_);
  for (auto& [origin, list] : idle_)
    for (auto& s : list)
      all.push_back(std::move(s));
  idle_.clear();
  size_ = 0;
  return all;
}

} // namespace hookd::net
