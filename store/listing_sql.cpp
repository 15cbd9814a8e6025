#include "store/listing_sql.hpp"

#include "store/enum_codes.hpp"
#include "store/record_columns.hpp"

#include <algorithm>
#include <limits>

namespace hookd::store::listing {
namespace {

/// Appends conditions and their parameters, numbering placeholders in the dialect's way.
class builder {
public:
  builder(dialect d, std::string head) : d_(d) { q_.sql = std::move(head); }

  /// Appends `text` with each '@' replaced by the next parameter's placeholder.
  template <class... Values>
  builder& where(std::string_view text, Values... values) {
    q_.sql += first_ ? " WHERE " : " AND ";
    first_ = false;
    (q_.params.emplace_back(std::move(values)), ...);
    append_numbered(text, sizeof...(Values));
    return *this;
  }

  builder& in(std::string_view column, const std::vector<std::string>& values) {
    std::string text{column};
    text += " IN (";
    for (std::size_t i = 0; i < values.size(); ++i)
      text += i == 0 ? "@" : ", @";
    text += ")";
    for (const auto& v : values)
      q_.params.emplace_back(v);
    q_.sql += first_ ? " WHERE " : " AND ";
    first_ = false;
    append_numbered(text, values.size());
    return *this;
  }

  sql_query finish(std::string_view order_column, std::size_t limit) {
    q_.params.emplace_back(static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int32_t>::max())));
    q_.sql += " ORDER BY ";
    q_.sql += order_column;
    q_.sql += " DESC LIMIT ";
    q_.sql += placeholder(q_.params.size());
    return std::move(q_);
  }

private:
  std::string placeholder(std::size_t n) const {
    return (d_ == dialect::sqlite ? "?" : "$") + std::to_string(n);
  }

  /// The last `count` parameters are the '@'s of `text`, in order.
  void append_numbered(std::string_view text, std::size_t count) {
    auto n = q_.params.size() - count;
    for (char c : text) {
      if (c == '@')
        q_.sql += placeholder(++n);
      else
        q_.sql += c;
    }
  }

  dialect d_;
  sql_query q_;
  bool first_ = true;
};

void add_window(builder& b, std::string_view column, const page_window& w) {
  b.where(std::string{column} + " < @", w.start);
  if (w.floor > 0)
    b.where(std::string{column} + " >= @", w.floor);
}

} // namespace

page_window window_of(std::int64_t before_seq, std::int64_t newest_seq, bool scans,
                      std::size_t scan_limit) {
  page_window w;
  w.start = before_seq > 0 ? before_seq : newest_seq + 1;
  if (scans) {
    const auto reach = static_cast<std::int64_t>(
        std::min<std::size_t>(scan_limit, std::numeric_limits<std::int32_t>::max()));
    w.floor = std::max<std::int64_t>(1, w.start - std::max<std::int64_t>(1, reach));
  }
  return w;
}

sql_query messages(dialect d, const message_filter& f, const page_window& w, std::size_t limit) {
  builder b{d, "SELECT " + columns::prefixed_columns("m.", columns::message_list) + " FROM messages m"};
  add_window(b, "m.seq", w);
  if (!f.application_id.empty())
    b.where("m.application_id = @", f.application_id);
  if (!f.source_id.empty())
    b.where("m.source_id = @", f.source_id);
  if (!f.event_id.empty())
    b.where("m.event_id = @", f.event_id);
  if (!f.event_types.empty())
    b.in("m.event_type", f.event_types);
  if (f.since != no_time)
    b.where("m.created_at >= @", to_unix_ms(f.since));
  if (f.until != no_time)
    b.where("m.created_at < @", to_unix_ms(f.until));
  if (!f.channel.empty())
    b.where(d == dialect::sqlite
                ? "EXISTS (SELECT 1 FROM json_each(m.channels) WHERE json_each.value = @)"
                : "(m.channels::jsonb) ? @",
            f.channel);
  if (!f.endpoint_id.empty() || f.status >= 0) {
    std::string exists = "EXISTS (SELECT 1 FROM deliveries d WHERE d.message_seq = m.seq";
    if (f.status >= 0) // a literal, as the partial indexes want (sqlite_store_statements.cpp)
      exists += " AND d.status = " + std::to_string(f.status);
    if (!f.endpoint_id.empty()) {
      exists += " AND d.endpoint_id = @)";
      b.where(exists, f.endpoint_id);
    } else {
      b.where(exists + ")");
    }
  }
  return b.finish("m.seq", limit);
}

sql_query attempts(dialect d, const attempt_filter& f, const page_window& w, std::size_t limit) {
  builder b{d, "SELECT a.seq, a.delivery_id, m.id, a.endpoint_id, a.at, a.outcome, "
               "a.status_code, a.elapsed_ms, a.error, a.error_detail, a.response_body FROM "
               "attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN messages m ON "
               "m.seq = d.message_seq"};
  add_window(b, "a.seq", w);
  if (!f.endpoint_id.empty())
    b.where("a.endpoint_id = @", f.endpoint_id);
  if (f.outcome >= 0)
    b.where("a.outcome = @", static_cast<std::int64_t>(f.outcome));
  else if (f.outcome == attempt_filter::any_failure)
    b.where("a.outcome <> 0"); // the code of success (store/enum_codes.hpp)
  if (f.since != no_time)
    b.where("a.at >= @", to_unix_ms(f.since));
  if (f.until != no_time)
    b.where("a.at < @", to_unix_ms(f.until));
  return b.finish("a.seq", limit);
}

std::int64_t next_before(std::size_t rows, std::size_t limit, std::int64_t last_seq,
                         const page_window& w) {
  if (rows > limit)
    return last_seq;
  if (w.floor > 1)
    return w.floor;
  return 0;
}

} // namespace hookd::store::listing
