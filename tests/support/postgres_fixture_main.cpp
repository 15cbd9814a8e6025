// hookd-test-postgres start|stop DIR: the ctest fixture that starts one throw-away PostgreSQL
// for the whole test run (tests/CMakeLists.txt) and stops it afterwards. Tests find it through
// HOOKD_TEST_POSTGRES=DIR (tests/support/postgres_server.hpp, test_database()).
#include "tests/support/postgres_server.hpp"

#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hookd-test-postgres start|stop DIR\n";
    return 2;
  }
  const std::string command = argv[1];
  const std::filesystem::path dir = argv[2];
  try {
    if (command == "start") {
      if (std::filesystem::exists(dir / "data" / "postmaster.pid"))
        hookd::testing::postgres_server::stop_at(dir); // left over from an interrupted run
      std::filesystem::remove_all(dir);
      hookd::testing::postgres_server server{dir, {}};
      server.detach();
      std::cout << "test PostgreSQL: " << server.conninfo() << "\n";
    } else if (command == "stop") {
      hookd::testing::postgres_server::stop_at(dir);
      std::filesystem::remove_all(dir);
    } else {
      std::cerr << "usage: hookd-test-postgres start|stop DIR\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
