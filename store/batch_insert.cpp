#include "store/batch_insert.hpp"

namespace hookd::store {
namespace {

batch_outcome insert_one(store& db, batch_message& m) {
  batch_outcome out;
  const auto& key = m.idempotency.key;
  if (!key.empty() && db.find_idempotency(key))
    return {batch_refusal{error::kind::conflict, "Idempotency-Key " + key + " exists"}, {}};
  out.deliveries = m.deliveries; // a copy: the input stays as given for a run after a rollback
  try {
    db.insert_message(m.message, out.deliveries, m.endpoints_named);
    db.settle(); // its refusal now, to answer this message alone (and before `out` moves)
  } catch (const error& e) {
    if (e.what_kind() == error::kind::failure)
      throw;
    return {batch_refusal{e.what_kind(), e.what()}, {}};
  }
  if (!key.empty())
    db.put_idempotency(m.idempotency); // cannot conflict: looked up above, one writer
  return out;
}

} // namespace

std::vector<batch_outcome> insert_messages(store& db, std::vector<batch_message>& batch) {
  db.settle(); // earlier commands' outcomes first: a refusal of theirs is not one of these
  std::vector<batch_outcome> outcomes;
  outcomes.reserve(batch.size());
  for (auto& m : batch)
    outcomes.push_back(insert_one(db, m));
  return outcomes;
}

} // namespace hookd::store
