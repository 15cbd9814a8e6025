// jemalloc's options for the hookd daemon, read by jemalloc at start-up from this symbol
// (compiled in only when hookd links jemalloc: app/CMakeLists.txt). MALLOC_CONF in the
// environment still overrides it.
//
// background_thread: jemalloc returns freed pages to the system from a thread of its own, on
// its usual 10 s decay. Without it, pages are purged only while the process allocates, so a
// hookd that has gone quiet (endpoints registered, actors parked) kept the memory of its last
// busy moment: 1,350 B per idle endpoint instead of 985 B at 100,000 endpoints
// (docs/benchmarks.md, "Memory"). Throughput was the same with and without it.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
const char* malloc_conf = "background_thread:true";
}
