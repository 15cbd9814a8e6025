#pragma once
// Moves committed pages from the WAL into the database file on a thread of its own, so the
// writer's commits never pay for a checkpoint (SQLite's automatic checkpoint runs inside the
// COMMIT that crosses wal_autocheckpoint pages, and stalls it for the copy plus an fsync of
// the database file). The writer connection turns its automatic checkpoint off; this thread
// runs a PASSIVE checkpoint (never blocks the writer or readers) on its own connection every
// `interval`, and once more when it stops.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace hookd::store::sqlite {

class checkpointer {
public:
  checkpointer(std::string path, std::chrono::milliseconds interval);
  ~checkpointer(); ///< stops and joins the thread
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

private:
  void run();

  std::string path_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace hookd::store::sqlite
