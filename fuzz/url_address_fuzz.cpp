// Fuzz target: endpoint URLs (net/url.hpp) and the SSRF guard's address and CIDR parsing
// (policy/address_policy.hpp). Both read text an API client sends (POST /v1/endpoints) or an
// operator writes (endpoints.allow_cidrs).
// Checks: never throws; an accepted URL is lower-case http(s) with a target starting "/" and a
// non-zero port; an accepted address or CIDR prints as text that parses back to the same value.
#include "fuzz/fuzz_target.hpp"

#include "net/url.hpp"
#include "policy/address_policy.hpp"

#include <string>
#include <variant>

namespace {

using hookd::fuzz::fuzz_check;
namespace policy = hookd::policy;

void check_address(const policy::ip_address& a) {
  const auto again = policy::ip_address::parse(a.to_string());
  fuzz_check(again.has_value() && *again == a, "address does not round-trip through to_string");
  const policy::address_policy strict;
  const policy::address_verdict verdict = strict.check(a);
  (void)policy::describe(a, verdict.cls);
  (void)a.embedded_v4();
}

void check_url(std::string_view text) {
  const hookd::net::url_result r = hookd::net::parse_url(text);
  if (!r) {
    fuzz_check(!r.error.empty(), "refused URL without an error");
    return;
  }
  const hookd::net::url& u = *r.value;
  fuzz_check(u.scheme == "http" || u.scheme == "https", "scheme is not http or https");
  fuzz_check(!u.host.empty(), "empty host accepted");
  fuzz_check(u.port != 0, "port 0 accepted");
  fuzz_check(!u.target.empty() && u.target.front() == '/', "target does not start with /");
  (void)u.host_header();
  (void)u.origin();
  if (auto a = policy::ip_address::parse(u.bare_host()))
    check_address(*a);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = hookd::fuzz::as_text(data, size);
  check_url(text);
  if (auto a = policy::ip_address::parse(text))
    check_address(*a);
  const auto c = policy::cidr::parse(text);
  if (const auto* net = std::get_if<policy::cidr>(&c)) {
    const auto again = policy::cidr::parse(net->to_string());
    const auto* same = std::get_if<policy::cidr>(&again);
    fuzz_check(same != nullptr && same->network == net->network && same->prefix == net->prefix,
               "CIDR does not round-trip through to_string");
    fuzz_check(net->contains(net->network), "CIDR does not contain its own network");
  }
  return 0;
}
