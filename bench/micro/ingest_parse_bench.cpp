// hookd-ingest-parse-bench: the cost of reading one POST /v1/messages body, old path against
// new (docs/benchmarks.md, "Ingest parsing").
//   old: nested_deeper_than, json::parse into a DOM, member_span for the payload's bytes (a copy
//        of the former parse_message_request, kept here only for this comparison);
//   new: api::parse_message_request, one SAX pass (api/message_scan.hpp).
// Bodies: a typical 512-byte message and a 16 KiB one. Prints the median ns per parse over a few
// rounds and the heap allocations per parse (counted by replacing operator new). It never
// asserts timings; it exits 1 only if the two paths disagree on a body.
#include "api/json_depth.hpp"
#include "api/json_span.hpp"
#include "api/requests.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

std::atomic<std::size_t> allocations{0};
std::atomic<std::size_t> allocated_bytes{0};

} // namespace

// Not inlined: inlined into std::allocator, g++ 12 takes free() of what operator new returned
// for a mismatch (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc{};
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }

namespace {

using json = nlohmann::json;
namespace api = hookd::api;

/// The former POST /v1/messages path, for comparison only: every check, in its order.
std::optional<api::message_request> old_parse_message_request(std::string_view body) {
  if (api::nested_deeper_than(body, api::max_json_nesting + 1))
    return std::nullopt;
  const json d = json::parse(body, nullptr, false);
  if (d.is_discarded() || !d.is_object())
    return std::nullopt;
  for (const auto& [key, value] : d.items())
    if (key != "event_type" && key != "payload" && key != "endpoint_id")
      return std::nullopt;
  api::message_request m;
  auto type = d.find("event_type");
  if (type == d.end() || !type->is_string())
    return std::nullopt;
  m.event_type = type->get<std::string>();
  if (m.event_type.empty() || m.event_type.size() > api::max_event_type_length)
    return std::nullopt;
  if (!d.contains("payload") || d["payload"].is_null())
    return std::nullopt;
  const auto payload = api::member_span(body, "payload");
  if (!payload)
    return std::nullopt;
  m.payload = std::string{*payload};
  if (auto id = d.find("endpoint_id"); id != d.end()) {
    if (!id->is_string())
      return std::nullopt;
    m.endpoint_id = id->get<std::string>();
  }
  return m;
}

std::optional<api::message_request> new_parse_message_request(std::string_view body) {
  auto r = api::parse_message_request(body);
  if (auto* m = std::get_if<api::message_request>(&r))
    return std::move(*m);
  return std::nullopt;
}

/// One order item of the payload.
std::string item(int i) {
  return R"({"sku":"SKU-)" + std::to_string(10000 + i) + R"(","name":"Item \")" + std::to_string(i) +
         R"(\" [blue]","quantity":)" + std::to_string(1 + i % 5) + R"(,"unit_price":)" +
         std::to_string(9 + i % 90) + R"(.99,"tags":["sale","new"]})";
}

/// A message body of exactly `size` bytes: an order with as many items as fit, padded with a
/// note. Typical producer formatting: no whitespace.
std::string message_body(std::size_t size) {
  const std::string head =
      R"({"event_type":"order.created","endpoint_id":"ep_01JB6ZQ0W8X4N5M2K7R3T9V1YC","payload":{)"
      R"("id":"ord_8f14e45fceea167a","created_at":"2026-11-30T09:20:35.123Z","currency":"EUR",)"
      R"("customer":{"id":"cus_1029","email":"ada@example.com","name":"Ada Lovelace"},"items":[)";
  const std::string tail_before_note = R"(],"total":123.45,"note":")";
  const std::string tail = R"("}})";
  std::string items;
  for (int i = 0;; ++i) {
    const std::string next = (i ? "," : "") + item(i);
    if (head.size() + items.size() + next.size() + tail_before_note.size() + tail.size() > size)
      break;
    items += next;
  }
  const std::size_t used = head.size() + items.size() + tail_before_note.size() + tail.size();
  return head + items + tail_before_note + std::string(size - used, 'n') + tail;
}

struct result {
  double ns_per_parse;
  double allocations_per_parse;
  double bytes_per_parse;
};

template <class Parse>
result measure(const std::string& body, int iterations, Parse parse) {
  std::size_t sink = 0;
  for (int i = 0; i < iterations / 10 + 1; ++i) // warm up
    sink += parse(body)->payload.size();
  const std::size_t allocs_before = allocations.load();
  const std::size_t bytes_before = allocated_bytes.load();
  sink += parse(body)->payload.size();
  const double allocs = static_cast<double>(allocations.load() - allocs_before);
  const double bytes = static_cast<double>(allocated_bytes.load() - bytes_before);
  std::vector<double> rounds;
  for (int round = 0; round < 7; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i)
      sink += parse(body)->payload.size();
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    rounds.push_back(took.count() / iterations);
  }
  std::sort(rounds.begin(), rounds.end());
  if (sink == 0)
    std::puts(""); // keeps `sink` (and the parses) observable
  return {rounds[rounds.size() / 2], allocs, bytes};
}

} // namespace

int main() {
  std::printf("%-9s %-28s %12s %14s %16s\n", "body", "path", "ns/parse", "allocs/parse",
              "alloc bytes/parse");
  for (const auto& [size, iterations] : {std::pair{std::size_t{512}, 20'000},
                                         std::pair{std::size_t{16 * 1024}, 1'000}}) {
    const std::string body = message_body(size);
    const auto before = old_parse_message_request(body);
    const auto after = new_parse_message_request(body);
    if (!before || !after || before->payload != after->payload ||
        before->event_type != after->event_type || before->endpoint_id != after->endpoint_id) {
      std::fprintf(stderr, "the two paths disagree on the %zu-byte body\n", size);
      return 1;
    }
    const auto old_path = measure(body, iterations, old_parse_message_request);
    const auto new_path = measure(body, iterations, new_parse_message_request);
    const std::string label = std::to_string(body.size()) + " B";
    std::printf("%-9s %-28s %12.0f %14.0f %16.0f\n", label.c_str(), "old: depth + DOM + span",
                old_path.ns_per_parse, old_path.allocations_per_parse, old_path.bytes_per_parse);
    std::printf("%-9s %-28s %12.0f %14.0f %16.0f\n", label.c_str(), "new: one SAX pass",
                new_path.ns_per_parse, new_path.allocations_per_parse, new_path.bytes_per_parse);
    std::printf("%-9s %-28s %11.2fx %13.1fx\n", label.c_str(), "old / new",
                old_path.ns_per_parse / new_path.ns_per_parse,
                old_path.allocations_per_parse / new_path.allocations_per_parse);
  }
  return 0;
}
