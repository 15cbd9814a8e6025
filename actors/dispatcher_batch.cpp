// POST /v1/messages/batch in the dispatcher: every message the registry accepts goes to the
// writer in one insert_messages_cmd (one transaction, one fsync), and each is answered as a
// single submit would be.
#include "actors/dispatcher_state.hpp"
#include "messages/errors.hpp"

namespace hookd::dispatch {

caf::result<batch_result> submit_many(dispatcher_ptr self, submit_batch& batch) {
  auto& st = self->state;
  if (auto refused = refuse_ingest(self))
    return refused;
  const time_point t = now(self);
  auto result = std::make_shared<batch_result>();
  result->items.resize(batch.messages.size());
  insert_messages_cmd cmd;
  std::vector<std::size_t> sent;       // index in the batch of each item of cmd
  std::vector<std::string> named;      // its endpoint_id (named_endpoint_error)
  for (std::size_t i = 0; i < batch.messages.size(); ++i) {
    auto& msg = batch.messages[i];
    auto prepared = prepare_insert(self, msg, t);
    if (auto* e = std::get_if<caf::error>(&prepared)) {
      result->items[i].error = std::move(*e);
      continue;
    }
    cmd.items.push_back(std::move(std::get<insert_message_cmd>(prepared)));
    sent.push_back(i);
    named.push_back(msg.endpoint_id);
  }
  if (cmd.items.empty())
    return std::move(*result);
  guarded_promise<batch_result> rp{self};
  const std::size_t n = cmd.items.size();
  st.storing += n;
  self->request(st.deps.writer, caf::infinite, std::move(cmd))
      .then(
          [=](messages_inserted& done) mutable {
            self->state.storing -= n;
            for (std::size_t k = 0; k < done.items.size() && k < sent.size(); ++k) {
              auto& slot = result->items[sent[k]];
              auto& item = done.items[k];
              if (item.refusal)
                slot.error = named[k].empty() ? std::move(item.refusal)
                                              : named_endpoint_error(std::move(item.refusal), named[k]);
              else
                slot.accepted = accept_inserted(self, item.inserted);
            }
            rp.deliver(std::move(*result));
          },
          [=](caf::error& e) mutable {
            self->state.storing -= n;
            rp.deliver(std::move(e)); // the store failed: nothing of the batch was stored
          });
  return rp;
}

} // namespace hookd::dispatch
