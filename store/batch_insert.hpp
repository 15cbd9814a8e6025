#pragma once
// Many messages in the caller's transaction, each one all-or-nothing on its own: a message the
// store refuses (its named endpoint is gone or disabled, its Idempotency-Key exists already,
// its id is taken) is left out alone, and the others are written. Built on the store interface
// (insert_message, put_idempotency, find_idempotency), so it holds for every store.
//
// How a refusal stays isolated without a savepoint per message: every refusal is found before
// the message's first write (the endpoint check and the duplicate id inside insert_message,
// the Idempotency-Key looked up first, in the same transaction, so a key used twice within the
// batch is seen too). A failure of the store itself (I/O, disk full) throws store::error of
// kind failure, as every write call does, and the caller rolls back the whole transaction.
#include "store/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hookd::store {

/// One message to insert, as insert_message and put_idempotency take it.
struct batch_message {
  message_record message;
  std::vector<delivery_record> deliveries;
  idempotency_record idempotency; ///< key empty: none
  bool endpoints_named = false;   ///< see store::insert_message
};

/// Why the store refused one message (the kind and text of the store::error); nothing of it
/// was written.
struct batch_refusal {
  error::kind kind = error::kind::conflict;
  std::string what;
};

/// What became of one message: stored (`deliveries` as insert_message left them: ids assigned,
/// those of endpoints gone or disabled left out), or refused.
struct batch_outcome {
  std::optional<batch_refusal> refusal;
  std::vector<delivery_record> deliveries;
};

/// Inserts each message of `batch` in order, inside the caller's open transaction; one outcome
/// per message, in the same order. Each stored message's `seq` is set in `batch`; nothing else
/// of `batch` changes, so the call may run again on the same input after a rollback.
std::vector<batch_outcome> insert_messages(store& db, std::vector<batch_message>& batch);

} // namespace hookd::store
