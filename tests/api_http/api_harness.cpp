// The in-process API fixture (see api_harness.hpp): assembly in main.cpp's order, requests with
// the token, JSON helpers.
#include "tests/api_http/api_harness.hpp"

#include "api/api_service.hpp"
#include "policy/time_format.hpp"
#include "logging/logger.hpp"
#include "app/api_server_options.hpp"
#include "net/http_server.hpp"
#include "store/sqlite_store.hpp"

#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include <cstdlib>

namespace hookd::testing {

using namespace std::chrono_literals;

namespace {

/// Info logs per request would drown the test output; HOOKD_TEST_LOG=debug brings them back.
void quiet_logs() {
  const char* level = std::getenv("HOOKD_TEST_LOG");
  logging::configure(level != nullptr ? level : "warn", "text");
}

} // namespace

std::string api_time(std::chrono::milliseconds offset) {
  const auto now = std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  return format_time(now + offset);
}

api_harness::api_harness(const tuner& tune) : db_path_(dir_.file("hookd.db")) {
  quiet_logs();
  auto c = compressed_config();
  c.server.api_token = token;
  c.server.max_payload_bytes = 4096;
  if (tune)
    tune(c);
  cfg_ = std::make_shared<const config::config>(std::move(c));

  sys_cfg_ = std::make_unique<caf::actor_system_config>();
  configure_actor_system(*sys_cfg_);
  sys_cfg_->set("scheduler.max-threads", 2);
  sys_ = std::make_unique<caf::actor_system>(*sys_cfg_);
  engine_options opts;
  opts.open_store = open_sqlite_at(db_path_);
  engine_ = std::make_unique<engine>(*sys_, cfg_, std::move(opts));
  api_ = std::make_unique<api::api_service>(
      *sys_, api::api_deps{engine_->context(), engine_->dispatcher(), engine_->reader(),
                           engine_->supervisor(), engine_->membership(), engine_->writer()});

  auto server_opts = api_server_options(*cfg_, *api_, 1000);
  server_opts.host = "127.0.0.1";
  server_opts.port = 0;
  server_opts.threads = 2;
  server_ = std::make_unique<net::http_server>(
      server_opts, [api = api_.get()](net::server_request req, net::respond_fn respond) {
        api->handle(std::move(req), std::move(respond));
      });
  const auto start_error = server_->start();
  INFO(start_error.value_or(""));
  REQUIRE_FALSE(start_error);
  auto recovered = engine_->recover_blocking();
  REQUIRE(recovered);
  api_->set_ready(true);

  store::sqlite_options ro;
  ro.read_only = true;
  inspector_ = store::open_sqlite_store(db_path_, ro);
  conn_ = std::make_unique<http_connection>(port());
}

api_harness::~api_harness() {
  conn_.reset();
  server_->stop(); // no handler runs after this
  api_.reset();
  engine_.reset();
  sys_.reset(); // waits until every actor is gone
  sys_cfg_.reset();
}

std::uint16_t api_harness::port() const {
  return server_->port();
}

std::string api_harness::url(std::string_view target) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string{target};
}

header_list api_harness::with_token(header_list extra) {
  extra.emplace_back("Authorization", std::string{"Bearer "} + token);
  return extra;
}

http_response api_harness::call(std::string_view method, std::string_view target,
                                std::string_view body, const header_list& extra) {
  return call_anonymous(method, target, body, with_token(extra));
}

http_response api_harness::call_anonymous(std::string_view method, std::string_view target,
                                          std::string_view body, const header_list& extra) {
  header_list headers = extra;
  if (!body.empty())
    headers.emplace_back("Content-Type", "application/json");
  std::lock_guard guard{conn_mutex_};
  return conn_->exchange(method, target, headers, body);
}

json api_harness::create_endpoint(const std::string& url, json fields) {
  fields["url"] = url;
  auto r = call("POST", "/v1/endpoints", fields.dump());
  INFO(show(r));
  REQUIRE(r.status == 201);
  return json_of(r);
}

json api_harness::post_message(const std::string& event_type, const std::string& payload_text,
                               const std::string& endpoint_id) {
  std::string body =
      R"({"event_type":)" + json(event_type).dump() + R"(,"payload":)" + payload_text;
  if (!endpoint_id.empty())
    body += R"(,"endpoint_id":)" + json(endpoint_id).dump();
  body += "}";
  auto r = call("POST", "/v1/messages", body);
  INFO(show(r));
  REQUIRE(r.status == 202);
  return json_of(r);
}

json api_harness::get_message(const std::string& message_id) {
  auto r = call("GET", "/v1/messages/" + message_id);
  INFO(show(r));
  REQUIRE(r.status == 200);
  return json_of(r);
}

json api_harness::get_endpoint(const std::string& endpoint_id) {
  auto r = call("GET", "/v1/endpoints/" + endpoint_id);
  INFO(show(r));
  REQUIRE(r.status == 200);
  return json_of(r);
}

json api_harness::delivery_of(const std::string& message_id, const std::string& endpoint_id) {
  const auto msg = get_message(message_id);
  for (const auto& d : msg["deliveries"])
    if (d["endpoint_id"] == endpoint_id)
      return d;
  FAIL("message " << message_id << " has no delivery to " << endpoint_id << ": " << msg.dump());
  return {};
}

bool api_harness::wait_for_delivery(const std::string& message_id, const std::string& endpoint_id,
                                    const std::string& status, std::chrono::milliseconds timeout) {
  return wait_until([&] { return delivery_of(message_id, endpoint_id)["status"] == status; },
                    timeout);
}

} // namespace hookd::testing
