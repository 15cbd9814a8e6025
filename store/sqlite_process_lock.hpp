#pragma once
// One hookd per database: an exclusive flock(2) on `<database path>.lock`, held as long as the
// object lives (the kernel drops it when the process ends, however it ends). A second holder —
// normally another hookd started with the same store.path — is refused at once with an error
// saying so, instead of both delivering the same backlog.
#include <string>

namespace hookd::store::sqlite {

class process_lock {
public:
  /// Creates `<database_path>.lock` when missing and locks it; throws store::error when another
  /// open file description (another process, or another lock in this one) holds it.
  explicit process_lock(const std::string& database_path);
  ~process_lock();
  process_lock(const process_lock&) = delete;
  process_lock& operator=(const process_lock&) = delete;

  const std::string& path() const noexcept { return path_; }

private:
  std::string path_;
  int fd_ = -1;
};

} // namespace hookd::store::sqlite
