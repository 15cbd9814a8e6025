#include "policy/classification.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <vector>

using namespace hookd;
using policy::blames_endpoint;
using policy::classify;
using policy::is_resource_shortage;

TEST_CASE("responses and transport errors are classified as documented", "[policy][classify]") {
  const std::vector<int> permanent{404, 410};
  struct row {
    int status;
    attempt_error error;
    attempt_outcome expected;
  };
  const row table[] = {
      {200, attempt_error::none, attempt_outcome::success},
      {204, attempt_error::none, attempt_outcome::success},
      {299, attempt_error::none, attempt_outcome::success},
      {301, attempt_error::http_status, attempt_outcome::failure}, // redirects are not followed
      {304, attempt_error::http_status, attempt_outcome::failure},
      {400, attempt_error::http_status, attempt_outcome::failure},
      {401, attempt_error::http_status, attempt_outcome::failure},
      {404, attempt_error::http_status, attempt_outcome::permanent},
      {410, attempt_error::http_status, attempt_outcome::permanent},
      {429, attempt_error::http_status, attempt_outcome::failure},
      {500, attempt_error::http_status, attempt_outcome::failure},
      {503, attempt_error::http_status, attempt_outcome::failure},
      {0, attempt_error::timeout, attempt_outcome::failure},
      {0, attempt_error::connect_refused, attempt_outcome::failure},
      {0, attempt_error::tls, attempt_outcome::failure},
      {0, attempt_error::reset, attempt_outcome::failure},
      {0, attempt_error::dns, attempt_outcome::failure},
      {0, attempt_error::forbidden_address, attempt_outcome::failure},
      {0, attempt_error::none, attempt_outcome::failure},
  };
  for (const auto& r : table) {
    INFO("status " << r.status << " error " << to_string(r.error));
    CHECK(classify(r.status, r.error, permanent) == r.expected);
  }
}

TEST_CASE("only failures the endpoint caused count against it", "[policy][classify][local]") {
  struct row {
    attempt_error error;
    bool blames;
  };
  const row table[] = {
      {attempt_error::http_status, true},
      {attempt_error::timeout, true},
      {attempt_error::connect_refused, true},
      {attempt_error::connect_failed, true},
      {attempt_error::dns, true},
      {attempt_error::tls, true},
      {attempt_error::reset, true},
      {attempt_error::protocol, true},
      {attempt_error::forbidden_address, true},
      {attempt_error::invalid_url, true},
      {attempt_error::local_resources, false},
      {attempt_error::unavailable, false},
  };
  for (const auto& r : table) {
    INFO(to_string(r.error));
    CHECK(blames_endpoint(r.error) == r.blames);
    // Still a retryable failure: the delivery is not lost, only the endpoint is not blamed.
    CHECK(classify(0, r.error, std::vector<int>{404}) == attempt_outcome::failure);
  }
}

TEST_CASE("resource shortages are told apart from network errors", "[policy][classify][local]") {
  struct row {
    int errno_value;
    bool shortage;
  };
  const row table[] = {
      {EMFILE, true},        {ENFILE, true},       {ENOBUFS, true},        {ENOMEM, true},
      {ECONNREFUSED, false}, {ENETUNREACH, false}, {EHOSTUNREACH, false},  {ETIMEDOUT, false},
      {ECONNRESET, false},   {EACCES, false},      {EADDRNOTAVAIL, false}, {0, false},
  };
  for (const auto& r : table) {
    INFO("errno " << r.errno_value);
    CHECK(is_resource_shortage(r.errno_value) == r.shortage);
  }
}

TEST_CASE("the permanent list is configurable", "[policy][classify]") {
  const std::vector<int> permanent{410};
  CHECK(classify(404, attempt_error::http_status, permanent) == attempt_outcome::failure);
  CHECK(classify(410, attempt_error::http_status, permanent) == attempt_outcome::permanent);
  CHECK(classify(404, attempt_error::http_status, std::vector<int>{}) == attempt_outcome::failure);
}

TEST_CASE("outcome names round-trip", "[policy][outcome]") {
  for (auto e : {attempt_error::none, attempt_error::timeout, attempt_error::tls,
                 attempt_error::forbidden_address, attempt_error::unavailable,
                 attempt_error::local_resources})
    CHECK(enum_from_string<attempt_error>(to_string(e)) == e);
  CHECK(enum_from_string<failure_reason>("exhausted") == failure_reason::exhausted);
  CHECK(enum_from_string<disabled_reason>("gone") == disabled_reason::gone);
  CHECK_FALSE(enum_from_string<delivery_status>("bogus").has_value());
}
