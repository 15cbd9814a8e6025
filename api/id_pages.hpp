#pragma once
// Pages of the native API's lists ordered by id (endpoints, applications, sources): the query
// parameters ?limit= (1–100, default 20) and ?cursor= (what the previous page returned), and
// trimming a page read with one row more than asked (that row says whether another page follows).
#include "api/api_error.hpp"
#include "api/cursor.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hookd::api {

inline constexpr std::size_t default_page_size = 20;
inline constexpr std::size_t max_page_size = 100;

struct id_page_request {
  std::size_t limit = default_page_size;
  std::string after; ///< the last id of the previous page; empty: from the start
};

/// The page a query asks for; 400 malformed_request for a bad limit or a cursor that is not
/// one this API returned for ids starting with `prefix`.
std::variant<id_page_request, api_error> read_id_page(const std::map<std::string, std::string>& query,
                                                      std::string_view prefix);

/// Trims `rows` (read with limit + 1) to `limit`; the next page's cursor when a row was cut.
template <class Row, class IdOf>
std::optional<std::string> trim_id_page(std::vector<Row>& rows, std::size_t limit, IdOf id_of) {
  if (rows.size() <= limit)
    return std::nullopt;
  rows.resize(limit);
  return encode_cursor(id_of(rows.back()));
}

} // namespace hookd::api
