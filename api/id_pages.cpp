#include "api/id_pages.hpp"

#include <charconv>

namespace hookd::api {

std::variant<id_page_request, api_error> read_id_page(const std::map<std::string, std::string>& query,
                                                      std::string_view prefix) {
  id_page_request page;
  if (auto it = query.find("limit"); it != query.end()) {
    const auto& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), page.limit);
    if (ec != std::errc{} || end != s.data() + s.size() || page.limit < 1 || page.limit > max_page_size)
      return api_error::malformed("limit must be an integer from 1 to " + std::to_string(max_page_size));
  }
  if (auto it = query.find("cursor"); it != query.end()) {
    auto id = decode_cursor(it->second, prefix);
    if (!id)
      return api_error::malformed("cursor is not one this API returned");
    page.after = std::move(*id);
  }
  return page;
}

} // namespace hookd::api
