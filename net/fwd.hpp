#pragma once
// Forward declarations for net/ (include this, not the full headers, where a name is enough).

namespace hookd::net {

struct url;
struct http_request;
struct http_response;
struct client_options;
class http_client;
class io_worker;
struct server_request;
struct server_response;
struct server_options;
class http_server;

} // namespace hookd::net
