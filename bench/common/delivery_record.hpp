#pragma once
// One request the receiver saw, as it is dumped for the bench: a fixed-size binary record
// (48 bytes), written in arrival order after a small header. Native byte order: the file never
// leaves the machine that wrote it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hookd::bench {

struct delivery_record {
  std::int64_t arrival_ns = 0;   ///< CLOCK_REALTIME when the request was complete
  std::uint32_t endpoint = 0;    ///< global endpoint index (groups in order)
  std::uint16_t status = 0;      ///< what the receiver answered (0: hang or close)
  std::uint8_t signature_ok = 0; ///< 1: a webhook-signature entry matched
  std::uint8_t attempt = 0;      ///< 1, 2, ... per (endpoint, webhook-id) in arrival order; 255 = 255+
  char id[32] = {};              ///< webhook-id, NUL-padded (hookd ids are 30 characters)

  std::string_view webhook_id() const;
  void set_webhook_id(std::string_view id);
};
static_assert(sizeof(delivery_record) == 48);

/// Sorts by arrival and numbers attempts per (endpoint, webhook-id).
void number_attempts(std::vector<delivery_record>& records);

/// Writes `records` to `path` (header "HKDREC1\n" + count). Throws on I/O errors.
void write_records(const std::string& path, const std::vector<delivery_record>& records);
/// Reads a file written by write_records. Throws on I/O errors or a bad header.
std::vector<delivery_record> read_records(const std::string& path);

} // namespace hookd::bench
