#include "store/sqlite_row_mapping.hpp"

#include "store/record_columns.hpp"

namespace hookd::store::sqlite {

void bind_endpoint(query& q, const endpoint_record& ep, const std::string& event_types_json) {
  columns::bind_endpoint(q, ep, event_types_json);
}

endpoint_record read_endpoint(query& q) { return columns::read_endpoint(q); }
delivery_record read_delivery(query& q) { return columns::read_delivery(q); }
attempt_record read_attempt(query& q) { return columns::read_attempt(q); }
message_record read_message(query& q) { return columns::read_message(q); }
idempotency_record read_idempotency(query& q) { return columns::read_idempotency(q); }

} // namespace hookd::store::sqlite
