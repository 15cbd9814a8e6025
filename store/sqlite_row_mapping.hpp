#pragma once
// Row mapping between the store's records (store/records.hpp) and SQLite rows: binding a
// record's fields as the parameters of a statement, and reading a record from the columns of
// the current row, in the column order of store/record_columns.hpp (shared with the PostgreSQL
// store).
#include "store/enum_codes.hpp"
#include "store/record_columns.hpp"
#include "store/records.hpp"
#include "store/sqlite_statement.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hookd::store::sqlite {

// -- records to parameters ------------------------------------------------------------------------

/// Binds the mutable part of a delivery, in the column order of insert_delivery/update_delivery.
template <class State>
void bind_delivery_state(query& q, const State& s, time_point updated_at) {
  columns::bind_delivery_state(q, s, updated_at);
}

/// Binds every column of `put_endpoint`, in order. `text` is bound without a copy, so the
/// caller keeps it alive.
void bind_endpoint(query& q, const endpoint_record& ep, const columns::endpoint_text_columns& text);

// -- rows to records ------------------------------------------------------------------------------
// Each reads the current row of `q` from its first column, in the select-list order of the
// statements that return that record.

endpoint_record read_endpoint(query& q);
delivery_record read_delivery(query& q);
attempt_record read_attempt(query& q);
message_record read_message(query& q);
idempotency_record read_idempotency(query& q);
application_record read_application(query& q);

/// Runs `q` and collects every row with `read`.
template <class Read>
auto read_all(query& q, Read read) {
  std::vector<decltype(read(q))> rows;
  while (q.step())
    rows.push_back(read(q));
  return rows;
}

/// A count for SQL LIMIT (a signed 64-bit integer).
inline std::int64_t sql_limit(std::size_t n) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(n, max));
}

} // namespace hookd::store::sqlite
