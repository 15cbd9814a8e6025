#include "store/sqlite_process_lock.hpp"

#include "store/store.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace hookd::store::sqlite {

process_lock::process_lock(const std::string& database_path) : path_(database_path + ".lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw error("open: cannot create lock file " + path_ + ": " +
                std::generic_category().message(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0)
    return;
  const int err = errno;
  ::close(fd_);
  if (err == EWOULDBLOCK)
    throw error("open: database " + database_path +
                " is in use by another hookd process (it holds " + path_ +
                "); run one hookd per store.path");
  throw error("open: cannot lock " + path_ + ": " + std::generic_category().message(err));
}

process_lock::~process_lock() {
  ::close(fd_); // releases the lock; the file stays (removing it would race a new holder)
}

} // namespace hookd::store::sqlite
