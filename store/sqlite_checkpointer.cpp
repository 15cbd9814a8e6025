#include "store/sqlite_checkpointer.hpp"

#include "store/sqlite_connection.hpp"
#include "store/store.hpp"

#include <pthread.h>

namespace hookd::store::sqlite {

checkpointer::checkpointer(std::string path, std::chrono::milliseconds interval)
    : path_(std::move(path)), interval_(interval), thread_([this] { run(); }) {}

checkpointer::~checkpointer() {
  {
    std::lock_guard lock{mutex_};
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void checkpointer::run() {
  pthread_setname_np(pthread_self(), "hookd-ckpt");
  try {
    connection db{path_};
    db.exec("PRAGMA busy_timeout = 1000", "checkpointer");
    std::unique_lock lock{mutex_};
    for (;;) {
      const bool stopping = wake_.wait_for(lock, interval_, [this] { return stop_; });
      lock.unlock();
      try {
        db.exec("PRAGMA wal_checkpoint(PASSIVE)", "checkpoint");
      } catch (const error&) {
        // Busy or failing: the next round tries again; the WAL only grows meanwhile, and
        // commits stay durable either way (they are in the WAL).
      }
      lock.lock();
      if (stopping)
        return;
    }
  } catch (const error&) {
    // Could not open a connection: the WAL grows until the next start, which checkpoints.
  }
}

} // namespace hookd::store::sqlite
