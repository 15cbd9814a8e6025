#include "policy/ids.hpp"

#include <array>

namespace hookd::policy {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t body_length = 26;

} // namespace

id_generator::id_generator(std::uint64_t seed) : rng_(seed) {}

std::string id_generator::next(std::string_view prefix, time_point now) {
  const std::int64_t ms = std::max<std::int64_t>(0, to_unix_ms(now));
  if (ms == last_ms_) {
    if (++lo_ == 0)
      hi_ = (hi_ + 1) & 0xFFFF;
  } else {
    last_ms_ = ms;
    hi_ = rng_() & 0xFFFF;
    lo_ = rng_();
  }
  // 128 bits: 48 time | 16 hi | 64 lo, written as 26 base32 digits (130 bits, top 2 zero).
  std::array<char, body_length> body{};
  const unsigned __int128 value =
      (static_cast<unsigned __int128>(static_cast<std::uint64_t>(ms) & 0xFFFFFFFFFFFF) << 80) |
      (static_cast<unsigned __int128>(hi_) << 64) | lo_;
  unsigned __int128 rest = value;
  for (std::size_t i = body_length; i-- > 0;) {
    body[i] = alphabet[static_cast<std::size_t>(rest & 31)];
    rest >>= 5;
  }
  std::string id;
  id.reserve(prefix.size() + body_length);
  id.append(prefix);
  id.append(body.data(), body.size());
  return id;
}

bool is_valid_id(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix) || id.size() != prefix.size() + body_length)
    return false;
  for (char c : id.substr(prefix.size()))
    if (alphabet.find(c) == std::string_view::npos)
      return false;
  return true;
}

} // namespace hookd::policy
