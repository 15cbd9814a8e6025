// A main for fuzz targets built without libFuzzer (g++ builds): runs LLVMFuzzerTestOneInput once
// per file named on the command line, or per file inside a named directory. This is how the
// corpus in fuzz/corpus/<target>/ runs as a regression test in every ordinary build.
#include "fuzz/fuzz_target.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

int run_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::cerr << "running " << path.string() << " (" << bytes.size() << " bytes)\n";
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file())
          files.push_back(entry.path());
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: " << argv[0] << " <file or directory>...\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  int failures = 0;
  for (const auto& f : files)
    failures += run_file(f);
  std::cerr << files.size() << " inputs, " << failures << " unreadable\n";
  return failures == 0 ? 0 : 1;
}
