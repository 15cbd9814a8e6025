#include "net/failure.hpp"

#include "policy/classification.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/system/system_error.hpp>

#include <new>
#include <system_error>

namespace hookd::net {

namespace {

namespace asio_error = boost::asio::error;
using http_error = boost::beast::http::error;

std::string_view timeout_detail(phase p) {
  switch (p) {
    case phase::resolve:
      return "timed out resolving the host";
    case phase::connect:
      return "timed out connecting";
    case phase::handshake:
      return "timed out in the TLS handshake";
    case phase::write:
      return "timed out sending the request";
    case phase::read_header:
      return "timed out waiting for the response";
    case phase::read_body:
      return "timed out reading the response body";
  }
  return "timed out";
}

failure exchange_failure(const boost::system::error_code& ec) {
  if (ec == asio_error::connection_reset)
    return {attempt_error::reset, "connection reset by peer"};
  if (is_connection_closed(ec))
    return {attempt_error::reset, "connection closed by peer"};
  if (ec.category() == make_error_code(http_error::bad_version).category())
    return {attempt_error::protocol, "bad response: " + ec.message()};
  if (ec.category() == asio_error::get_ssl_category())
    return {attempt_error::tls, "TLS: " + ec.message()};
  return {attempt_error::reset, ec.message()};
}

} // namespace

std::string_view to_string(phase p) {
  switch (p) {
    case phase::resolve:
      return "resolve";
    case phase::connect:
      return "connect";
    case phase::handshake:
      return "handshake";
    case phase::write:
      return "write";
    case phase::read_header:
      return "read_header";
    case phase::read_body:
      return "read_body";
  }
  return "unknown";
}

bool is_connection_closed(const boost::system::error_code& ec) {
  return ec == asio_error::eof || ec == asio_error::connection_reset ||
         ec == asio_error::broken_pipe || ec == asio_error::connection_aborted ||
         ec == asio_error::not_connected || ec == boost::asio::ssl::error::stream_truncated ||
         ec == http_error::end_of_stream || ec == http_error::partial_message;
}

bool is_local_resource_error(const boost::system::error_code& ec) {
  const bool os_error = ec.category() == boost::system::system_category() ||
                        ec.category() == boost::system::generic_category();
  return os_error && policy::is_resource_shortage(ec.value());
}

failure classify_exception(const std::exception_ptr& e) {
  auto local = [](const std::string& what) {
    return failure{attempt_error::local_resources, "local resources: " + what};
  };
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& x) {
    if (is_local_resource_error(x.code()))
      return local(x.what());
    return {attempt_error::unavailable, std::string("internal error: ") + x.what()};
  } catch (const std::system_error& x) {
    if (x.code().category() == std::generic_category() ||
        x.code().category() == std::system_category())
      if (policy::is_resource_shortage(x.code().value()))
        return local(x.what());
    return {attempt_error::unavailable, std::string("internal error: ") + x.what()};
  } catch (const std::bad_alloc&) {
    return local("out of memory");
  } catch (const std::exception& x) {
    return {attempt_error::unavailable, std::string("internal error: ") + x.what()};
  } catch (...) {
    return {attempt_error::unavailable, "internal error"};
  }
}

failure classify_failure(phase p, const boost::system::error_code& ec, bool timed_out) {
  if (timed_out || ec == boost::beast::error::timeout)
    return {attempt_error::timeout, std::string(timeout_detail(p))};
  if (is_local_resource_error(ec)) // hookd's shortage, not the endpoint's failure
    return {attempt_error::local_resources,
            "local resources (" + std::string(to_string(p)) + "): " + ec.message()};
  switch (p) {
    case phase::resolve:
      return {attempt_error::dns, "DNS: " + ec.message()};
    case phase::connect:
      if (ec == asio_error::connection_refused)
        return {attempt_error::connect_refused, "connection refused"};
      return {attempt_error::connect_failed, "connect: " + ec.message()};
    case phase::handshake:
      return {attempt_error::tls, "TLS handshake: " + ec.message()};
    case phase::write:
    case phase::read_header:
    case phase::read_body:
      return exchange_failure(ec);
  }
  return {attempt_error::reset, ec.message()};
}

} // namespace hookd::net
