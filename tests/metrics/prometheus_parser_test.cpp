// The strict text-format parser itself: what it accepts, and one rejection per rule.
#include "tests/metrics/prometheus_parser.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace hookd::test::prometheus;

namespace {

const parse_options lax{.require_type = false, .require_help = false};

// The example of the format's documentation (exposition_formats.md), untyped samples included.
const char* const documentation_example =
    R"(# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
)";

} // namespace

TEST_CASE("the documentation's example parses", "[metrics][prometheus]") {
  const auto e = parse(documentation_example, lax);
  CHECK(e.families().size() == 6);
  CHECK(e.type("http_requests_total") == metric_type::counter);
  CHECK(e.help("http_requests_total") == "The total number of HTTP requests.");
  CHECK(e.value("http_requests_total", {{"method", "post"}, {"code", "200"}}) == 1027);
  CHECK(e.find("http_requests_total", {{"code", "400"}, {"method", "post"}})->timestamp_ms ==
        1395066363000);
  CHECK(e.value("msdos_file_access_time_seconds",
                {{"path", "C:\\DIR\\FILE.TXT"}, {"error", "Cannot find file:\n\"FILE.TXT\""}}) ==
        1.458255915e9);
  CHECK(e.type("metric_without_timestamp_and_labels") == metric_type::untyped);
  CHECK(e.value("metric_without_timestamp_and_labels") == 12.47);
  CHECK(std::isinf(e.value("something_weird", {{"problem", "division by zero"}})));
  CHECK(e.find("something_weird", {{"problem", "division by zero"}})->timestamp_ms == -3982045);
  CHECK(e.type("http_request_duration_seconds") == metric_type::histogram);
  const auto buckets = e.buckets("http_request_duration_seconds");
  REQUIRE(buckets.size() == 6);
  CHECK(buckets[0] == std::pair{0.05, 24054.0});
  CHECK(std::isinf(buckets[5].first));
  CHECK(buckets[5].second == 144320);
  CHECK(e.value("http_request_duration_seconds_sum") == 53423);
  CHECK(e.type("rpc_duration_seconds") == metric_type::summary);
  CHECK(e.value("rpc_duration_seconds", {{"quantile", "0.99"}}) == 76656);
  CHECK(e.value("rpc_duration_seconds_sum") == 1.7560473e+07);
  CHECK(e.sample_count() == 20);

  // Strict by default: untyped samples without TYPE (and families without HELP) are refused.
  CHECK_THROWS_AS(parse(documentation_example), parse_error);
}

TEST_CASE("the parser accepts every form the format allows", "[metrics][prometheus]") {
  const auto e = parse("# A comment, then an empty line and a blank one\n"
                       "\n"
                       "  \t\n"
                       "#HELP a_total Help with \\\\ backslash, \\n newline and \"quotes\".\n"
                       "# TYPE a_total counter\n"
                       "a_total{ x = \"1\" , y=\"\",} 0\n"
                       "a_total{x=\"2\",y=\"tab\there é ✓\"}\t7\t-5\n"
                       "a_total{} 3\n"
                       "# TYPE b gauge\n"
                       "# HELP b\n"
                       "b{v=\"nan\"} NaN\n"
                       "b{v=\"inf\"} +Inf\n"
                       "b{v=\"-inf\"} -Inf\n"
                       "b{v=\"exp\"} -1.5E-3 1700000000000\n"
                       "b{v=\"dot\"} .5\n"
                       "b{v=\"plus\"} +2.\n"
                       "# HELP h histogram\n"
                       "# TYPE h histogram\n"
                       "h_bucket{path=\"/x\",le=\"0.5\"} 1\n"
                       "h_bucket{path=\"/x\",le=\"1.0\"} 1\n"
                       "h_bucket{path=\"/x\",le=\"+Inf\"} 2\n"
                       "h_count{path=\"/x\"} 2\n"
                       "h_sum{path=\"/x\"} 3.5\n"
                       "h_bucket{path=\"/y\",le=\"+Inf\"} 0\n"
                       "h_sum{path=\"/y\"} 0\n"
                       "h_count{path=\"/y\"} 0\n"
                       "# HELP empty_family no samples at all\n"
                       "# TYPE empty_family gauge\n"
                       "# HELP s a summary without quantiles\n"
                       "# TYPE s summary\n"
                       "s_sum 1\n"
                       "s_count 1\n"
                       "# HELP u untyped, declared\n"
                       "# TYPE u untyped\n"
                       "u 1\n");
  CHECK(e.help("a_total") == "Help with \\ backslash, \n newline and \"quotes\".");
  CHECK(e.value("a_total", {{"x", "1"}, {"y", ""}}) == 0);
  CHECK(e.value("a_total", {{"x", "2"}, {"y", "tab\there é ✓"}}) == 7);
  CHECK(e.find("a_total", {{"x", "2"}, {"y", "tab\there é ✓"}})->timestamp_ms == -5);
  CHECK(e.value("a_total") == 3);
  CHECK(e.help("b") == "");
  CHECK(std::isnan(e.value("b", {{"v", "nan"}})));
  CHECK(e.value("b", {{"v", "inf"}}) > 0);
  CHECK(std::isinf(e.value("b", {{"v", "-inf"}})));
  CHECK(e.value("b", {{"v", "exp"}}) == -1.5e-3);
  CHECK(e.value("b", {{"v", "dot"}}) == 0.5);
  CHECK(e.value("b", {{"v", "plus"}}) == 2);
  CHECK(e.buckets("h", {{"path", "/x"}}).size() == 3);
  CHECK(e.value("h_sum", {{"path", "/x"}}) == 3.5);
  CHECK(e.find_family("empty_family") != nullptr);
  CHECK(e.find_family("empty_family")->samples.empty());
  CHECK(e.type("s") == metric_type::summary);
  CHECK(e.type("u") == metric_type::untyped);
  CHECK_FALSE(e.has("a_total", {{"x", "3"}}));
  CHECK_THROWS_AS(e.value("nope"), std::out_of_range);
  CHECK(parse("").families().empty());
}

namespace {

struct bad_case {
  const char* what;
  std::string text;
  const char* message; ///< a part of the error message
  std::size_t line;
};

std::string counter(const std::string& samples) {
  return "# HELP c_total A counter.\n# TYPE c_total counter\n" + samples;
}

std::string histogram(const std::string& samples) {
  return "# HELP h A histogram.\n# TYPE h histogram\n" + samples;
}

} // namespace

TEST_CASE("the parser rejects every malformed exposition", "[metrics][prometheus]") {
  const std::vector<bad_case> cases{
      // Order of TYPE and samples.
      {"sample without any TYPE", "c_total 1\n", "before its TYPE line", 1},
      {"sample before its TYPE", "c_total 1\n# TYPE c_total counter\n", "before its TYPE line", 1},
      {"sample after HELP, before TYPE", "# HELP c_total x\nc_total 1\n# TYPE c_total counter\n",
       "before the TYPE line", 2},
      {"TYPE twice", counter("# TYPE c_total counter\nc_total 1\n"), "second TYPE line", 3},
      {"TYPE twice, different type", counter("# TYPE c_total gauge\n"), "second TYPE line", 3},
      {"HELP twice", counter("# HELP c_total again\nc_total 1\n"), "second HELP line", 3},
      {"family not in one group",
       counter("c_total 1\n# HELP g x\n# TYPE g gauge\ng 1\nc_total{a=\"b\"} 2\n"),
       "outside the family's group", 7},
      {"TYPE of a family again after another one",
       counter("c_total 1\n# HELP g x\n# TYPE g gauge\n# TYPE c_total counter\n"),
       "not in one group", 6},
      {"family without HELP", "# TYPE c_total counter\nc_total 1\n", "has no HELP line", 1},
      // Family name mismatch.
      {"counter sample with another name", counter("c 1\n"), "before its TYPE line", 3},
      {"counter sample with a suffix", counter("c_total_sum 1\n"), "before its TYPE line", 3},
      {"histogram sample named as the family", histogram("h{le=\"1\"} 1\n"),
       "must be named _bucket, _sum or _count", 3},
      {"histogram bucket without le",
       histogram("h_bucket 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"),
       "without an le label", 3},
      {"histogram bucket with a bad le",
       histogram("h_bucket{le=\"one\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"),
       "invalid le", 3},
      {"histogram _sum with le",
       histogram("h_bucket{le=\"+Inf\"} 1\nh_sum{le=\"+Inf\"} 1\nh_count 1\n"),
       "must not have an le label", 4},
      {"histogram _count with le",
       histogram("h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count{le=\"1\"} 1\n"),
       "must not have an le label", 5},
      {"summary sample without quantile", "# HELP s x\n# TYPE s summary\ns 1\ns_sum 1\ns_count 1\n",
       "needs a quantile", 3},
      {"summary quantile above 1",
       "# HELP s x\n# TYPE s summary\ns{quantile=\"2\"} 1\ns_sum 1\ns_count 1\n",
       "needs a quantile", 3},
      {"family declared over another's sample names",
       histogram(
           "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n# HELP h_sum x\n# TYPE h_sum gauge\n"),
       "collides with the samples of family 'h'", 6},
      {"family whose sample names are taken",
       "# HELP h_count x\n# TYPE h_count gauge\nh_count 1\n# HELP h x\n# TYPE h histogram\n",
       "collides with family 'h_count'", 5},
      // Series.
      {"duplicate series", counter("c_total{a=\"1\"} 1\nc_total{a=\"1\"} 2\n"), "given twice", 4},
      {"duplicate series, labels reordered",
       counter("c_total{a=\"1\",b=\"2\"} 1\nc_total{b=\"2\",a=\"1\"} 1\n"), "given twice", 4},
      {"duplicate series without labels", counter("c_total 1\nc_total{} 1\n"), "given twice", 4},
      {"label given twice", counter("c_total{a=\"1\",a=\"2\"} 1\n"), "label 'a' given twice", 3},
      {"negative counter", counter("c_total -1\n"), "is negative", 3},
      // Histogram buckets.
      {"non-cumulative buckets",
       histogram("h_bucket{le=\"0.1\"} 5\nh_bucket{le=\"1\"} 4\nh_bucket{le=\"+Inf\"} 5\n"
                 "h_sum 1\nh_count 5\n"),
       "not cumulative", 4},
      {"unordered buckets",
       histogram("h_bucket{le=\"1\"} 1\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
                 "h_sum 1\nh_count 1\n"),
       "increasing order", 4},
      {"the same le twice, spelled differently",
       histogram("h_bucket{le=\"1\"} 1\nh_bucket{le=\"1.0\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
                 "h_sum 1\nh_count 1\n"),
       "increasing order", 4},
      {"bucket after +Inf",
       histogram("h_bucket{le=\"+Inf\"} 1\nh_bucket{le=\"5\"} 1\nh_sum 1\nh_count 1\n"),
       "increasing order", 4},
      {"missing +Inf bucket", histogram("h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"),
       "without a +Inf bucket", 3},
      {"no buckets at all", histogram("h_sum 1\nh_count 1\n"), "without a +Inf bucket", 3},
      {"+Inf bucket differs from _count",
       histogram("h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"),
       "differs from _count", 6},
      {"missing _count", histogram("h_bucket{le=\"+Inf\"} 1\nh_sum 1\n"), "without _count", 3},
      {"missing _sum", histogram("h_bucket{le=\"+Inf\"} 1\nh_count 1\n"), "without _sum", 3},
      {"missing _count of one label set",
       histogram("h_bucket{a=\"x\",le=\"+Inf\"} 1\nh_sum{a=\"x\"} 1\nh_count{a=\"x\"} 1\n"
                 "h_bucket{a=\"y\",le=\"+Inf\"} 1\nh_sum{a=\"y\"} 1\n"),
       "without _count", 6},
      {"negative bucket count", histogram("h_bucket{le=\"+Inf\"} -1\nh_sum 1\nh_count -1\n"),
       "not a non-negative number", 3},
      // Names.
      {"metric name starting with a digit", "# HELP 1c x\n", "invalid metric name", 1},
      {"metric name with a dash in TYPE", "# TYPE c-total counter\n", "invalid metric name", 1},
      {"sample name with a dash", counter("c_total-x 1\n"), "unexpected '-'", 3},
      {"sample name with a dot", counter("c_total.x 1\n"), "unexpected '.'", 3},
      {"label name starting with a digit", counter("c_total{1a=\"x\"} 1\n"), "invalid label name",
       3},
      {"label name with a dash", counter("c_total{a-b=\"x\"} 1\n"), "expected '='", 3},
      {"label name with a colon", counter("c_total{a:b=\"x\"} 1\n"), "expected '='", 3},
      {"reserved label name", counter("c_total{__name__=\"x\"} 1\n"), "reserved", 3},
      {"empty label name", counter("c_total{=\"x\"} 1\n"), "expected a label name", 3},
      {"sample line starting with garbage", counter("{a=\"b\"} 1\n"), "expected a metric name", 3},
      // Escapes and quoting.
      {"unknown escape in a label value", counter("c_total{a=\"x\\ty\"} 1\n"), "invalid escape", 3},
      {"escaped quote in HELP is not an escape", "# HELP c_total say \\\"hi\\\"\n",
       "invalid escape", 1},
      {"unknown escape in HELP", "# HELP c_total a\\tb\n", "invalid escape", 1},
      {"lone backslash ending HELP", "# HELP c_total a\\\n", "lone backslash", 1},
      {"unterminated label value", counter("c_total{a=\"x} 1\n"), "unterminated value", 3},
      {"label value ending in a backslash", counter("c_total{a=\"x\\\n"), "unterminated value", 3},
      {"unquoted label value", counter("c_total{a=x} 1\n"), "double quotes", 3},
      {"single-quoted label value", counter("c_total{a='x'} 1\n"), "double quotes", 3},
      {"unterminated label set", counter("c_total{a=\"x\" 1\n"), "expected ',' or '}'", 3},
      {"label set cut at the end of the line", counter("c_total{a=\"x\",\n"),
       "unterminated label set", 3},
      {"two commas", counter("c_total{a=\"x\",,b=\"y\"} 1\n"), "expected a label name", 3},
      // Values, timestamps, trailing garbage.
      {"missing value", counter("c_total\n"), "without a value", 3},
      {"missing value after labels", counter("c_total{a=\"x\"}  \n"), "without a value", 3},
      {"value glued to the labels", counter("c_total{a=\"x\"}1\n"), "unexpected '1'", 3},
      {"value not a number", counter("c_total one\n"), "invalid value", 3},
      {"value with two dots", counter("c_total 1.0.0\n"), "invalid value", 3},
      {"hex value", counter("c_total 0x10\n"), "invalid value", 3},
      {"lower-case inf", counter("c_total inf\n"), "invalid value", 3},
      {"exponent without digits", counter("c_total 1e\n"), "invalid value", 3},
      {"value out of range", counter("c_total 1e999\n"), "invalid value", 3},
      {"fractional timestamp", counter("c_total 1 1.5\n"), "invalid timestamp", 3},
      {"timestamp beyond int64", counter("c_total 1 99999999999999999999\n"), "invalid timestamp",
       3},
      {"trailing garbage after a timestamp", counter("c_total 1 2 3\n"), "trailing garbage", 3},
      {"trailing comment after a sample", counter("c_total 1 # note\n"), "invalid timestamp", 3},
      {"trailing garbage after TYPE", "# HELP c_total x\n# TYPE c_total counter extra\n",
       "trailing garbage", 2},
      {"unknown type", "# HELP c_total x\n# TYPE c_total histogramm\n", "unknown metric type", 2},
      {"TYPE without a type", "# HELP c_total x\n# TYPE c_total\n", "without a type", 2},
      {"TYPE without a name", "# TYPE\n", "without a metric name", 1},
      {"carriage return line ending", counter("c_total 1\r\n"), "invalid value", 3},
      {"no line feed at the end", counter("c_total 1"), "must end with a line feed", 3},
      {"invalid UTF-8", counter("c_total{a=\"\xC3\x28\"} 1\n"), "invalid UTF-8", 3},
      {"overlong UTF-8", counter("c_total{a=\"\xC0\xAF\"} 1\n"), "invalid UTF-8", 3},
  };
  for (const auto& c : cases) {
    INFO(c.what << "\n--- input ---\n" << c.text << "-------------");
    try {
      (void)parse(c.text);
      FAIL_CHECK("accepted");
    } catch (const parse_error& e) {
      INFO("error: " << e.what());
      CHECK_THAT(e.what(), Catch::Contains(c.message));
      CHECK(e.line() == c.line);
    }
  }
}

TEST_CASE("lax mode still refuses a TYPE line after the family's samples",
          "[metrics][prometheus]") {
  CHECK_NOTHROW(parse("c_total 1\n", lax));
  CHECK_THROWS_WITH(parse("c_total 1\n# TYPE c_total counter\n", lax),
                    Catch::Contains("after its samples"));
  // Without TYPE a sample name is its own untyped family, so c_total and c_total_sum are two.
  const auto e = parse("c_total 1\nc_total_sum 2\n", lax);
  CHECK(e.families().size() == 2);
  CHECK_THROWS_WITH(parse("a 1\nb 1\na{x=\"y\"} 1\n", lax),
                    Catch::Contains("outside the family's group"));
}
