#pragma once
// TLS for webhook attempts: one client context per http_client, set up per connection.
//
// Promises:
// - `make_client_tls_context` builds a TLS >= 1.2 client context that verifies the peer chain
//   against the system store, or only against `ca_file` when one is given. Failures (missing
//   or unreadable file) come back as an error string, never an exception.
// - `prepare_tls_connection` makes one connection send SNI (for host names; IP literals send
//   none, RFC 6066) and verify that the certificate matches the host name or IP address.
// - `describe_tls_error` turns a handshake error into short text, naming the certificate
//   problem when verification failed ("certificate verify failed: hostname mismatch").
#include "net/url.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <string>

namespace hookd::net {

struct tls_context_result {
  std::unique_ptr<boost::asio::ssl::context> context; ///< null on error
  std::string error;
};

tls_context_result make_client_tls_context(const std::string& ca_file);

/// Returns an error text when OpenSSL refuses the settings, else empty.
std::string prepare_tls_connection(SSL* ssl, const url& target);

std::string describe_tls_error(const boost::system::error_code& ec, const SSL* ssl);

} // namespace hookd::net
