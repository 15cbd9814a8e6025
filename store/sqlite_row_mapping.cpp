#include "store/sqlite_row_mapping.hpp"

#include "store/record_columns.hpp"

namespace hookd::store::sqlite {

void bind_endpoint(query& q, const endpoint_record& ep, const columns::endpoint_text_columns& text) {
  columns::bind_endpoint(q, ep, text);
}

endpoint_record read_endpoint(query& q) { return columns::read_endpoint(q); }
delivery_record read_delivery(query& q) { return columns::read_delivery(q); }
attempt_record read_attempt(query& q) { return columns::read_attempt(q); }
message_record read_message(query& q) { return columns::read_message(q); }
idempotency_record read_idempotency(query& q) { return columns::read_idempotency(q); }
application_record read_application(query& q) { return columns::read_application(q); }

} // namespace hookd::store::sqlite
