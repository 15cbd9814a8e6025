#include "bench/common/delivery_record.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace hookd::bench {

namespace {

constexpr char magic[8] = {'H', 'K', 'D', 'R', 'E', 'C', '1', '\n'};

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

struct key_hash {
  std::size_t operator()(const std::pair<std::uint32_t, std::string_view>& k) const {
    return std::hash<std::string_view>{}(k.second) * 31 + k.first;
  }
};

} // namespace

std::string_view delivery_record::webhook_id() const {
  return {id, ::strnlen(id, sizeof id)};
}

void delivery_record::set_webhook_id(std::string_view text) {
  const auto n = std::min(text.size(), sizeof id);
  std::memcpy(id, text.data(), n);
  if (n < sizeof id)
    std::memset(id + n, 0, sizeof id - n);
}

void number_attempts(std::vector<delivery_record>& records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return a.arrival_ns < b.arrival_ns; });
  std::unordered_map<std::pair<std::uint32_t, std::string_view>, std::uint32_t, key_hash> seen;
  seen.reserve(records.size());
  for (auto& r : records) {
    auto& n = seen[{r.endpoint, r.webhook_id()}];
    ++n;
    r.attempt = static_cast<std::uint8_t>(std::min<std::uint32_t>(n, 255));
  }
}

void write_records(const std::string& path, const std::vector<delivery_record>& records) {
  std::unique_ptr<std::FILE, file_closer> f{std::fopen(path.c_str(), "wb")};
  if (!f)
    throw std::runtime_error("cannot write " + path);
  const std::uint64_t n = records.size();
  if (std::fwrite(magic, 1, sizeof magic, f.get()) != sizeof magic ||
      std::fwrite(&n, sizeof n, 1, f.get()) != 1 ||
      (n > 0 && std::fwrite(records.data(), sizeof(delivery_record), n, f.get()) != n))
    throw std::runtime_error("write failed: " + path);
}

std::vector<delivery_record> read_records(const std::string& path) {
  std::unique_ptr<std::FILE, file_closer> f{std::fopen(path.c_str(), "rb")};
  if (!f)
    throw std::runtime_error("cannot read " + path);
  char head[8];
  std::uint64_t n = 0;
  if (std::fread(head, 1, sizeof head, f.get()) != sizeof head ||
      std::memcmp(head, magic, sizeof magic) != 0 || std::fread(&n, sizeof n, 1, f.get()) != 1)
    throw std::runtime_error(path + ": not a receiver dump");
  std::vector<delivery_record> out(n);
  if (n > 0 && std::fread(out.data(), sizeof(delivery_record), n, f.get()) != n)
    throw std::runtime_error(path + ": truncated");
  return out;
}

} // namespace hookd::bench
