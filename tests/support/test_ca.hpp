#pragma once
// A throw-away certificate authority for TLS tests, generated in-process with the OpenSSL 3 C
// API (EC P-256 keys, SHA-256 signatures): no network, no openssl CLI.
//
// Promises: the constructor writes the CA certificate to `ca_file()` (pass it as
// client_options::ca_file); `issue` writes a server certificate + key signed by this CA whose
// subjectAltName lists `names` — entries that parse as IPv4/IPv6 addresses become IP SANs,
// others DNS SANs. Files live in a temp_dir owned by the test_ca and vanish with it.
// Valid from one hour ago for seven days. Errors throw std::runtime_error (test code).
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_identity.hpp"

#include <memory>
#include <string>
#include <vector>

namespace hookd::testing {

class test_ca {
public:
  explicit test_ca(const std::string& common_name = "hookd test CA");
  ~test_ca();
  test_ca(const test_ca&) = delete;
  test_ca& operator=(const test_ca&) = delete;

  /// PEM file holding this CA's certificate.
  const std::string& ca_file() const { return ca_file_; }

  /// A server certificate for `names` (e.g. {"localhost", "127.0.0.1"}), signed by this CA.
  tls_identity issue(const std::vector<std::string>& names);

private:
  struct keys;
  temp_dir dir_;
  std::string ca_file_;
  std::unique_ptr<keys> keys_;
  int issued_ = 0;
};

} // namespace hookd::testing
