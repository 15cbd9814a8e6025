#include "hookd_version.hpp"

#include <cstdio>

int main() {
  std::printf("hookd %s\n", hookd::version);
  return 0;
}
