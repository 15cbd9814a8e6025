#pragma once
// Standard Webhooks signature check on the receiver: true when one of the space-separated
// "v1,<base64>" entries of `signature_header` is HMAC-SHA256(key, "<id>.<timestamp>.<body>").
#include <string_view>

namespace hookd::bench {

bool signature_valid(std::string_view key, std::string_view webhook_id,
                     std::string_view timestamp, std::string_view body,
                     std::string_view signature_header);

} // namespace hookd::bench
