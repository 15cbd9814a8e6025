#pragma once
// Durability that follows the commit instead of being part of it (group commit with the fsync
// pipelined): a store opened this way returns from commit() once the transaction is written and
// visible, and hands out a `durability` whose sync() makes it survive a power loss. The
// writer runs sync() on a thread of its own while it executes the next batch, and acknowledges
// a batch only after a sync() that started after its commit returned.
//
// Contract of sync(): every transaction whose commit() returned before the call is durable when
// it returns; it throws store::error when that cannot be promised (an fsync failed: the data may
// be lost, and the store must not be trusted until a restart has recovered from disk). It is
// called from one thread, never the store instance's own, and touches no connection state.
namespace hookd::store {

class durability {
public:
  virtual ~durability() = default;
  virtual void sync() = 0;
};

} // namespace hookd::store
