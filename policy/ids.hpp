#pragma once
// Opaque resource ids with a type prefix (docs/api.md): "msg_", "ep_", "att_". The body is 26
// Crockford base32 characters: 48 bits of milliseconds then 80 random bits (ULID layout), so
// ids sort by creation time — which makes them usable as pagination cursors.
#include "policy/time.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace hookd::policy {

class id_generator {
public:
  explicit id_generator(std::uint64_t seed = std::random_device{}());

  /// A new id: prefix + time + randomness. Ids made by one generator within the same
  /// millisecond still increase (the random part is incremented).
  std::string next(std::string_view prefix, time_point now);

private:
  std::mt19937_64 rng_;
  std::int64_t last_ms_ = -1;
  std::uint64_t hi_ = 0; ///< upper 16 of the 80 random bits
  std::uint64_t lo_ = 0; ///< lower 64
};

/// True when `id` is `prefix` followed by 26 Crockford base32 characters.
bool is_valid_id(std::string_view id, std::string_view prefix);

} // namespace hookd::policy
