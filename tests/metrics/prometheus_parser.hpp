#pragma once
// A strict parser of the Prometheus text exposition format 0.0.4, for tests: whatever hookd
// serves on /metrics is parsed with it, and anything a real scraper could trip over (or that the
// format forbids) is an error naming the line.
//
// Accepted, per the format: `# HELP name docstring` (escapes \\ and \n), `# TYPE name
// counter|gauge|histogram|summary|untyped`, other `#` lines as comments, empty lines, and
// samples `name[{label="value",...[,]}] value [timestamp]` with label-value escapes \\ \" \n,
// values as decimal floats or +Inf / -Inf / Inf / NaN, and an integer millisecond timestamp.
// Tokens are separated by blanks or tabs; the input must be UTF-8 and end with a line feed.
//
// Rejected (parse_error): a sample of a family before its TYPE line (with require_type, the
// default; otherwise such a sample starts an untyped family), a TYPE or HELP line given twice or a
// TYPE line after the family's samples, a family's lines not in one group, a sample name that
// does not fit its family's type (a histogram's samples are name_bucket with an `le` label,
// name_sum and name_count without; a summary's are name with `quantile`, name_sum, name_count;
// everything else exactly name), names colliding across families, a series (name and label set)
// given twice, histogram buckets out of `le` order or not cumulative, a histogram series without
// its +Inf bucket, _sum or _count, a +Inf bucket different from _count, negative counters or
// counts, invalid metric or label names (and reserved `__` label names), a label given twice,
// bad escapes, unterminated label values, malformed values or timestamps, trailing garbage, and
// (with require_help, the default) a family without a HELP line.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookd::test::prometheus {

enum class metric_type { counter, gauge, histogram, summary, untyped };
std::string_view to_string(metric_type t);

/// Label name → unescaped value; order-insensitive, as series identity is.
using label_set = std::map<std::string, std::string>;

struct sample {
  std::string name; ///< as written, e.g. "hookd_attempt_duration_seconds_bucket"
  label_set labels;
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;
  std::size_t line = 0;
};

struct family {
  std::string name;
  metric_type type = metric_type::untyped;
  bool type_declared = false;
  std::optional<std::string> help; ///< unescaped
  std::vector<sample> samples;     ///< in input order
  std::size_t line = 0;            ///< the family's first line
};

class parse_error : public std::runtime_error {
public:
  parse_error(std::size_t line, const std::string& message);
  std::size_t line() const { return line_; }

private:
  std::size_t line_;
};

struct parse_options {
  /// Every family needs a TYPE line before its first sample (hookd always writes one). Off: a
  /// sample without one starts an untyped family, as the format allows.
  bool require_type = true;
  /// Every family needs a HELP line.
  bool require_help = true;
};

class exposition {
public:
  const std::vector<family>& families() const { return families_; }
  const family* find_family(std::string_view name) const;
  std::optional<metric_type> type(std::string_view family_name) const;
  std::optional<std::string> help(std::string_view family_name) const;

  /// The sample with exactly this name and label set, if any.
  const sample* find(std::string_view sample_name, const label_set& labels = {}) const;
  bool has(std::string_view sample_name, const label_set& labels = {}) const {
    return find(sample_name, labels) != nullptr;
  }
  /// The value of that sample; throws std::out_of_range (naming the series) when it is missing.
  double value(std::string_view sample_name, const label_set& labels = {}) const;
  /// Every sample with this name, in input order.
  std::vector<const sample*> series(std::string_view sample_name) const;
  /// A histogram's buckets for one label set (without `le`), as (le, cumulative count) in input
  /// order, +Inf last; empty when there are none.
  std::vector<std::pair<double, double>> buckets(std::string_view histogram_name,
                                                 const label_set& labels = {}) const;
  std::size_t sample_count() const;

private:
  friend exposition parse(std::string_view text, const parse_options& options);
  std::vector<family> families_;
};

/// Parses `text` strictly; throws parse_error on the first violation.
exposition parse(std::string_view text, const parse_options& options = {});

} // namespace hookd::test::prometheus
