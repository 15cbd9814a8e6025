#pragma once
// Every message a hookd store holds, with its deliveries, for tests that must prove nothing was
// half-written (header-only: the binaries that use it link the store). Message seqs are never
// reused (AUTOINCREMENT), so scanning 1..max_seq finds every stored message.
#include "store/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hookd::testing {

struct stored_message {
  std::int64_t seq = 0;
  std::string payload;
  std::vector<store::delivery_record> deliveries;
};

inline std::vector<stored_message> stored_messages(store::store& db, std::int64_t max_seq) {
  std::vector<std::int64_t> seqs;
  for (std::int64_t s = 1; s <= max_seq; ++s)
    seqs.push_back(s);
  std::vector<stored_message> out;
  for (auto& [seq, payload] : db.load_payloads(seqs))
    out.push_back(stored_message{seq, std::move(payload), db.deliveries_of(seq)});
  return out;
}

} // namespace hookd::testing
