#include "net/tls_context.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace hookd::net {

namespace ssl = boost::asio::ssl;

tls_context_result make_client_tls_context(const std::string& ca_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ca_file, ec);
  if (ec)
    return {nullptr, "cannot load CA certificates" +
                         (ca_file.empty() ? std::string() : " from " + ca_file) + ": " +
                         ec.message()};
  return {std::move(ctx), {}};
}

std::string prepare_tls_connection(SSL* ssl, const url& target) {
  std::string host(target.bare_host());
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  if (!not_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1)
      return "cannot set the IP address to verify";
    return {};
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1)
    return "cannot set the host name to verify";
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
    return "cannot set SNI";
  return {};
}

std::string describe_tls_error(const boost::system::error_code& ec, const SSL* ssl) {
  if (ssl != nullptr && ec.category() == boost::asio::error::get_ssl_category()) {
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK)
      return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  if (ec == ssl::error::stream_truncated)
    return "TLS handshake: connection closed by peer";
  return "TLS handshake: " + ec.message();
}

} // namespace hookd::net
