// Inbound sources in SQLite (docs/inbound.md): their rows; their messages are written by
// insert_message like any other.
#include "store/sqlite_row_mapping.hpp"
#include "store/sqlite_store_impl.hpp"

namespace hookd::store {

using sqlite::query;
using sqlite::read_all;
using sqlite::sql_limit;

void sqlite_store::insert_source(const source_record& src) {
  check_writable("insert_source");
  query q{sql_.insert_source, "insert_source"};
  columns::bind_source(q, src);
  q.run(); // a taken id fails the primary key (conflict): nothing written
}

bool sqlite_store::update_source(const source_record& src) {
  check_writable("update_source");
  query q{sql_.update_source, "update_source"};
  columns::bind_source_update(q, src);
  q.run();
  return changed_rows() > 0;
}

bool sqlite_store::delete_source(const std::string& source_id) {
  check_writable("delete_source");
  query q{sql_.delete_source, "delete_source"};
  q.bind_text(source_id);
  q.run();
  return changed_rows() > 0;
}

std::optional<source_record> sqlite_store::find_source(const std::string& source_id) {
  query q{sql_.find_source, "find_source"};
  q.bind_text(source_id);
  if (!q.step())
    return std::nullopt;
  return columns::read_source(q);
}

std::vector<source_record> sqlite_store::list_sources(const std::string& after_id, std::size_t limit) {
  query q{sql_.list_sources, "list_sources"};
  q.bind_text(after_id).bind_int(sql_limit(limit));
  return read_all(q, [](query& row) { return columns::read_source(row); });
}

} // namespace hookd::store
