#include "store/sqlite_wal_sync.hpp"

#include "store/store.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace hookd::store::sqlite {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw error("sync: " + what + " " + path + ": " + std::strerror(err));
}

void sync_directory_of(const std::string& path) {
  auto dir = std::filesystem::path{path}.parent_path();
  if (dir.empty())
    dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    fail("cannot open the directory of", path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0)
    fail("cannot fsync the directory of", path, err);
}

} // namespace

wal_sync::wal_sync(std::string wal_path) : path_(std::move(wal_path)) {}

wal_sync::~wal_sync() {
  if (fd_ >= 0)
    ::close(fd_);
}

void wal_sync::open_current() {
  struct stat by_path {};
  if (::stat(path_.c_str(), &by_path) != 0)
    fail("cannot find the WAL file", path_, errno);
  if (fd_ >= 0 && by_path.st_ino == inode_ && by_path.st_dev == device_)
    return;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail("cannot open the WAL file", path_, errno);
  struct stat opened {};
  if (::fstat(fd, &opened) != 0) {
    const int err = errno;
    ::close(fd);
    fail("cannot stat the WAL file", path_, err);
  }
  fd_ = fd;
  inode_ = opened.st_ino;
  device_ = opened.st_dev;
  sync_directory_of(path_); // the file's name, once per file
}

void wal_sync::sync() {
  open_current();
  if (::fdatasync(fd_) != 0)
    fail("fdatasync failed on", path_, errno);
}

} // namespace hookd::store::sqlite
