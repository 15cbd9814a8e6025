# Debian 12 packages (see scripts/setup). CAF 0.17 ships no CMake package, so
# its imported targets are declared by hand (find_library on the Debian .so files).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)          # header-only: Beast, Asio, System
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog 1.10 CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3 CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(Catch2 2 CONFIG REQUIRED)

find_package(tomlplusplus 3 CONFIG REQUIRED)    # compiled lib: tomlplusplus::tomlplusplus

find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
add_library(CAF::core UNKNOWN IMPORTED)
set_target_properties(CAF::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)

# libpq (Debian libpq-dev) for the PostgreSQL store. CMake's FindPostgreSQL also wants the
# server's headers, which libpq-dev does not ship, so the client library is found by hand.
find_path(PQ_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
find_library(PQ_LIBRARY pq REQUIRED)
add_library(PostgreSQL::pq UNKNOWN IMPORTED)
set_target_properties(PostgreSQL::pq PROPERTIES
  IMPORTED_LOCATION "${PQ_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${PQ_INCLUDE_DIR}")
