# Sanitizer and fuzzer builds (docs/development.md, "Checks"). Both are off by default.
#
# HOOKD_SANITIZE: a -fsanitize= list for the whole tree, e.g. "address,undefined" or "thread"
#   (scripts/sanitize asan|tsan). -O1 keeps the suites fast enough while stacks stay readable;
#   -g1 gives file:line in reports; UBSan findings abort instead of printing and going on.
# HOOKD_FUZZ: build the libFuzzer targets of fuzz/ (needs clang, scripts/fuzz). Every library is
#   instrumented for coverage, ASan and UBSan; only the fuzz executables link libFuzzer's main.
#   Without it, fuzz/ builds replay drivers that run the corpus as ordinary tests.
set(HOOKD_SANITIZE "" CACHE STRING "Sanitizers for the whole build, e.g. address,undefined or thread")
option(HOOKD_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(HOOKD_SANITIZE AND HOOKD_FUZZ)
  message(FATAL_ERROR "HOOKD_FUZZ brings its own sanitizers; leave HOOKD_SANITIZE empty")
endif()

# These builds carry debug info (-g1), and ccache puts the working directory into the key of
# every such compile unless the build directory is mapped away: without the map, a clone at
# another path (CI's checkout) could not reuse a single object of this machine's cache.
if(HOOKD_SANITIZE OR HOOKD_FUZZ)
  add_compile_options(-fdebug-prefix-map=${CMAKE_BINARY_DIR}=.)
endif()

if(HOOKD_SANITIZE)
  add_compile_options(-fsanitize=${HOOKD_SANITIZE} -fno-omit-frame-pointer -O1 -g1)
  add_link_options(-fsanitize=${HOOKD_SANITIZE})
  # g++ 12 documents that -fsanitize may give false -Wmaybe-uninitialized warnings; it does in
  # libstdc++'s <regex> (std::function in _State) at -O1. The normal build keeps the warning.
  add_compile_options(-Wno-maybe-uninitialized)
  if(HOOKD_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  if(HOOKD_SANITIZE MATCHES "thread")
    # TSan does not model standalone fences (g++ refuses them: -Werror=tsan). Asio fences each
    # handler upcall (std_fenced_block), which is redundant with the mutex of its scheduler's
    # queue that hands the handler over; without the fence TSan sees that mutex's ordering.
    add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
  endif()
endif()

if(HOOKD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HOOKD_FUZZ needs clang (libFuzzer): CXX=clang++-14")
  endif()
  set(HOOKD_FUZZ_SANITIZERS address,undefined)
  add_compile_options(-fsanitize=fuzzer-no-link,${HOOKD_FUZZ_SANITIZERS} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -O1 -g1)
  add_link_options(-fsanitize=${HOOKD_FUZZ_SANITIZERS})
endif()
