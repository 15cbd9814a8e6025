// nested_deeper_than: the byte scan that keeps deep bodies away from the recursive JSON parser.
#include "api/json_depth.hpp"

#include <catch2/catch.hpp>

#include <string>

using hookd::api::nested_deeper_than;

namespace {

std::string nested(std::size_t levels, const std::string& open = "[", const std::string& close = "]") {
  std::string s;
  for (std::size_t i = 0; i < levels; ++i)
    s += open;
  s += "1";
  for (std::size_t i = 0; i < levels; ++i)
    s += close;
  return s;
}

} // namespace

TEST_CASE("nesting depth: arrays and objects count, scalars do not", "[api][depth]") {
  struct row {
    std::string text;
    std::size_t depth; ///< deeper than depth - 1, not deeper than depth
  };
  const row rows[] = {
      {"1", 0},
      {R"("x")", 0},
      {"[]", 1},
      {"{}", 1},
      {R"({"a":[1,{"b":[]}]})", 4},
      {"[[],[],[[]]]", 3},
      {nested(64), 64},
      {nested(65), 65},
      {nested(3, R"({"k":)", "}"), 3},
      // Brackets inside strings do not count, whatever the escapes around them.
      {R"(["[[[[", "]]]]{{{{"])", 1},
      {R"(["\"[[[["])", 1},
      {R"(["\\", [2]])", 2},
      {R"(["\\\"[[", "\u005b"])", 1},
      {R"({"[":"{","}":"]"})", 1},
  };
  for (const row& r : rows) {
    INFO(r.text);
    CHECK_FALSE(nested_deeper_than(r.text, r.depth));
    if (r.depth > 0)
      CHECK(nested_deeper_than(r.text, r.depth - 1));
  }
}

TEST_CASE("nesting depth: 100,000 levels are refused in one pass", "[api][depth]") {
  CHECK(nested_deeper_than(nested(100'000), 65));
  CHECK(nested_deeper_than(std::string(100'000, '['), 65)); // unbalanced: still refused
  CHECK(nested_deeper_than(nested(100'000, R"({"a":)", "}"), 65));
}

TEST_CASE("nesting depth: malformed text is left to the parser", "[api][depth]") {
  CHECK_FALSE(nested_deeper_than("]]]]]]][[", 2)); // stray closers do not go below zero
  CHECK_FALSE(nested_deeper_than(R"(["unterminated [[[[[[)", 1));
  CHECK_FALSE(nested_deeper_than("", 0));
}
