#pragma once
// A certificate chain and its private key, as PEM files on disk (what a TLS server loads).
#include <string>

namespace hookd::testing {

struct tls_identity {
  std::string cert_file; ///< PEM: the leaf certificate
  std::string key_file;  ///< PEM: its private key (unencrypted)
};

} // namespace hookd::testing
