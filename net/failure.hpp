#pragma once
// Maps a transport error, and the phase of the attempt it happened in, to the outcome
// vocabulary (attempt_error + a short human detail). Pure: no sockets, table-testable.
#include "policy/outcome.hpp"

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

namespace hookd::net {

/// Steps of one attempt on one connection, in order.
enum class phase : std::uint8_t { resolve, connect, handshake, write, read_header, read_body };

std::string_view to_string(phase p);

struct failure {
  attempt_error error = attempt_error::none;
  std::string detail;
};

/// `timed_out` is true when our own deadline fired (Beast reports beast::error::timeout itself;
/// the resolver only reports operation_aborted).
failure classify_failure(phase p, const boost::system::error_code& ec, bool timed_out = false);

/// An exception thrown while a request was being carried (building a session, starting an
/// operation): a std/boost system_error whose code is a resource shortage, or bad_alloc, is
/// `local_resources`; anything else `unavailable`. Neither is the endpoint's fault.
failure classify_exception(const std::exception_ptr& e);

/// An error of hookd's own resources (EMFILE, ENFILE, ENOBUFS, ENOMEM, ...), in any phase.
bool is_local_resource_error(const boost::system::error_code& ec);

/// The peer closed or reset the connection (the signature of a stale keep-alive connection).
bool is_connection_closed(const boost::system::error_code& ec);

} // namespace hookd::net
