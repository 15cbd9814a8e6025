// Inbound sources in PostgreSQL (docs/inbound.md): their rows; their messages are written by
// insert_message like any other.
#include "store/postgres/pg_store_impl.hpp"

#include "store/record_columns.hpp"

#include <algorithm>
#include <limits>

namespace hookd::store {

void pg_store::insert_source(const source_record& src) {
  constexpr std::string_view op = "insert_source";
  atomically(op, [&] {
    pg::params p;
    columns::bind_source(p, src);
    if (run(pg::stmt::insert_source, p, op).rows() == 0)
      throw error(std::string{op} + ": a source with id " + src.id + " exists already",
                  error::kind::conflict);
  });
}

bool pg_store::update_source(const source_record& src) {
  constexpr std::string_view op = "update_source";
  bool changed = false;
  atomically(op, [&] {
    pg::params p;
    columns::bind_source_update(p, src);
    changed = run(pg::stmt::update_source, p, op).affected() > 0;
  });
  return changed;
}

bool pg_store::delete_source(const std::string& source_id) {
  constexpr std::string_view op = "delete_source";
  bool existed = false;
  atomically(op, [&] {
    pg::params p;
    p.bind_text(source_id);
    existed = run(pg::stmt::delete_source, p, op).affected() > 0;
  });
  return existed;
}

std::optional<source_record> pg_store::find_source(const std::string& source_id) {
  pg::params p;
  p.bind_text(source_id);
  auto r = run(pg::stmt::find_source, p, "find_source");
  if (!r.next())
    return std::nullopt;
  return columns::read_source(r);
}

std::vector<source_record> pg_store::list_sources(const std::string& after_id, std::size_t limit) {
  constexpr auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  pg::params p;
  p.bind_text(after_id).bind_int(static_cast<std::int64_t>(std::min(limit, max)));
  auto r = run(pg::stmt::list_sources, p, "list_sources");
  std::vector<source_record> rows;
  while (r.next())
    rows.push_back(columns::read_source(r));
  return rows;
}

} // namespace hookd::store
