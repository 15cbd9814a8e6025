#pragma once
// A fresh directory under /tmp, removed with everything in it when the object goes away.
#include <filesystem>
#include <string>

namespace hookd::testing {

class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

} // namespace hookd::testing
