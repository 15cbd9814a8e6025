#pragma once
// The SQL of the two filtered listings (store::list_messages, store::list_attempts), built per
// call from the filter: both stores run the same text, differing only in how a parameter is
// written (`?N` in SQLite, `$N` in PostgreSQL) and how a JSON list is searched. Pure: no
// database here; tests/store check the pages both stores return.
#include "store/records.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hookd::store::listing {

enum class dialect { sqlite, postgres };

/// A statement and its parameters, in order ($1/?1 first).
struct sql_query {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> params;
};

/// Where a page's read starts and, for a scanning filter, the lowest seq it may read.
struct page_window {
  std::int64_t start = 0; ///< seqs below this (the cursor, or the newest seq + 1)
  std::int64_t floor = 0; ///< seqs at or above this; 0: no floor
};

/// The window of a page: starting at `before_seq` (0: `newest_seq` + 1), and, when `scans`,
/// reading at most `scan_limit` seqs.
page_window window_of(std::int64_t before_seq, std::int64_t newest_seq, bool scans,
                      std::size_t scan_limit);

/// Messages matching `f` in `w`, newest first, at most `limit` rows, in
/// columns::message_list's order.
sql_query messages(dialect d, const message_filter& f, const page_window& w, std::size_t limit);

/// Attempts matching `f` in `w`, newest first, at most `limit` rows, in the order
/// columns::read_attempt reads.
sql_query attempts(dialect d, const attempt_filter& f, const page_window& w, std::size_t limit);

/// Where the page after the `limit + 1` rows asked for starts: when more than `limit` came
/// back, the last kept row's seq; else the floor of a scanning window while seqs remain below
/// it; else 0 (nothing more matches).
std::int64_t next_before(std::size_t rows, std::size_t limit, std::int64_t last_seq,
                         const page_window& w);

/// Cuts `rows` (the `limit + 1` asked for, each with a `seq`) to `limit` and says where the next
/// page starts (next_before).
template <class Row>
std::int64_t finish_page(std::vector<Row>& rows, std::size_t limit, const page_window& w) {
  const auto got = rows.size();
  if (got > limit)
    rows.resize(limit);
  return next_before(got, limit, rows.empty() ? 0 : rows.back().seq, w);
}

} // namespace hookd::store::listing
