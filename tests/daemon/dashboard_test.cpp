// The dashboard (GET /, api/dashboard/index.html) in a real browser: the real hookd binary with
// healthy, failing (500) and gone (410) endpoints, then Debian's chromium headless loads the
// page, lets it poll /v1/stats, and the rendered DOM (--dump-dom) must show the endpoint URLs,
// the failing endpoint's last status and error, and the endpoint_disabled alert. A screenshot
// goes to <build dir>/test-output/dashboard.png (never into the source tree).
//
// chromium is a test dependency: scripts/test installs it (HOOKD_EXTRA_PACKAGES). When it is
// missing these tests fail (they do not skip), so a green run always includes the browser.
#include "api/dashboard.hpp"
#include "sys/child_process.hpp"
#include "tests/daemon/daemon_api.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/api_json.hpp"
#include "tests/support/live_helpers.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;
using namespace hookd;
using namespace hookd::testing;

namespace {

constexpr const char* chromium_binary = "/usr/bin/chromium";

/// The flags documented for this machine (.library/env/machines/cpp.md): headless, no sandbox
/// (root), no GPU, and nothing that talks to the network on its own.
const std::vector<std::string> chromium_flags{
    "--headless",    "--no-sandbox",
    "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=10000",
};

void require_chromium() {
  if (::access(chromium_binary, X_OK) != 0)
    FAIL(chromium_binary << " is not installed: the dashboard tests need Debian's chromium. "
                            "scripts/test installs it (HOOKD_EXTRA_PACKAGES=chromium scripts/setup), "
                            "or run: apt-get install chromium");
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string tail(const std::string& text, std::size_t n = 3000) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

struct browser_result {
  bool finished = false; ///< false: killed after the time limit
  int exit_code = -1;
  std::string out; ///< stdout (the DOM for --dump-dom)
  std::string err;
};

/// Runs chromium with the documented flags, a fresh profile, `extra` and `url`, in its own
/// process group; after `limit` the whole group is SIGKILLed. Helper processes left behind
/// after a normal exit are killed too.
browser_result run_chromium(const std::vector<std::string>& extra, const std::string& url,
                            std::chrono::milliseconds limit = 60s) {
  temp_dir profile;
  temp_dir io;
  const auto out_path = io.file("stdout");
  const auto err_path = io.file("stderr");

  std::vector<std::string> args{chromium_binary};
  args.insert(args.end(), chromium_flags.begin(), chromium_flags.end());
  args.push_back("--user-data-dir=" + profile.file("profile"));
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  sys::spawn_options o;
  o.argv = std::move(args);
  // A fresh profile: the browser writes nothing outside its temp dirs.
  o.env = sys::child_environment("", {{"XDG_CONFIG_HOME", profile.file("config")},
                                       {"XDG_CACHE_HOME", profile.file("cache")}});
  o.stdout_path = out_path;
  o.stderr_path = err_path;
  o.truncate = true;
  o.own_process_group = true; // so a hang can be killed with its helpers
  pid_t pid = -1;
  try {
    pid = sys::spawn(o).pid;
  } catch (const std::exception& e) {
    FAIL(e.what());
  }

  browser_result result;
  if (auto status = sys::wait_exit(pid, limit)) {
    result.finished = true;
    result.exit_code = *status;
  } else {
    sys::kill_and_reap(pid, true);
  }
  ::kill(-pid, SIGKILL); // helpers (zygote, renderer) that outlived the browser, if any
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

/// The serialized element whose id attribute is `id` (its outer HTML), "" when there is none.
/// Works on Chromium's --dump-dom output, where text is escaped (&lt;), so '<' starts a tag.
std::string element_by_id(const std::string& dom, const std::string& id) {
  const auto at = dom.find(" id=\"" + id + "\"");
  if (at == std::string::npos)
    return {};
  const auto open = dom.rfind('<', at);
  std::size_t name_end = open + 1;
  while (name_end < dom.size() && std::isalnum(static_cast<unsigned char>(dom[name_end])))
    ++name_end;
  const std::string tag = dom.substr(open + 1, name_end - open - 1);
  const auto is_open_tag = [&](std::size_t p) {
    const auto after = p + 1 + tag.size();
    return dom.compare(p + 1, tag.size(), tag) == 0 && after < dom.size() &&
           (dom[after] == ' ' || dom[after] == '>');
  };
  int depth = 1;
  std::size_t pos = dom.find('>', at);
  while (pos != std::string::npos && depth > 0) {
    pos = dom.find('<', pos + 1);
    if (pos == std::string::npos)
      break;
    if (dom.compare(pos, tag.size() + 3, "</" + tag + ">") == 0) {
      if (--depth == 0)
        return dom.substr(open, pos + tag.size() + 3 - open);
    } else if (is_open_tag(pos)) {
      ++depth;
    }
  }
  return dom.substr(open); // unbalanced: everything after it
}

/// The <tr> in `html` that carries data-endpoint-id="<id>", "" when there is none.
std::string row_of(const std::string& html, const std::string& endpoint_id) {
  const auto at = html.find("data-endpoint-id=\"" + endpoint_id + "\"");
  if (at == std::string::npos)
    return {};
  const auto open = html.rfind("<tr", at);
  const auto close = html.find("</tr>", at);
  return html.substr(open, close == std::string::npos ? std::string::npos : close + 5 - open);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// How a URL appears as text in the dumped DOM (text nodes escape &, < and >).
std::string as_dom_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

/// totals.deliveries.delivered of a /v1/stats answer (-1 when it is not there).
long long delivered(const json& stats) {
  const auto& ptr = json::json_pointer{"/totals/deliveries/delivered"};
  return stats.contains(ptr) && stats.at(ptr).is_number_integer() ? stats.at(ptr).get<long long>()
                                                                  : -1;
}

/// True when `stats` lists `endpoint_id` among the failing endpoints with that last status.
bool shows_failure(const json& stats, const std::string& endpoint_id, int status_code) {
  if (!stats.contains("failing_endpoints"))
    return false;
  for (const auto& f : stats["failing_endpoints"])
    if (f.value("id", "") == endpoint_id && f["last_status_code"] == status_code &&
        f["last_error"] == "http_status")
      return true;
  return false;
}

bool shows_alert(const json& stats, const std::string& kind, const std::string& endpoint_id) {
  if (!stats.contains("alerts"))
    return false;
  for (const auto& a : stats["alerts"])
    if (a.value("kind", "") == kind && a["endpoint_id"] == endpoint_id)
      return true;
  return false;
}

} // namespace

TEST_CASE("dashboard: GET / serves the embedded page, which loads nothing from elsewhere",
          "[daemon][dashboard]") {
  const std::string html{api::dashboard_html()};
  REQUIRE(html.rfind("<!doctype html>", 0) == 0);
  CHECK(contains(html, "</html>"));

  // Self-contained: no external scripts, styles, fonts or images. The only absolute URL in it
  // is the SVG namespace name (a name, not something loaded).
  for (const std::string scheme : {"http://", "https://"}) {
    for (auto at = html.find(scheme); at != std::string::npos; at = html.find(scheme, at + 1)) {
      INFO("absolute URL in the page: " << html.substr(at, 60));
      CHECK(html.compare(at, 26, "http://www.w3.org/2000/svg") == 0);
    }
  }
  for (const std::string forbidden : {" src=", "@import", "@font-face", "url(", "<iframe",
                                      "<object", "<embed", "<img"}) {
    INFO("the page contains " << forbidden);
    CHECK_FALSE(contains(html, forbidden));
  }
  CHECK(contains(html, "<link rel=\"icon\" href=\"data:,\">")); // no /favicon.ico request
  // Data from the API is untrusted: it goes in as text, never as markup.
  for (const std::string sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                                 "eval(", "new Function"}) {
    INFO("the page uses " << sink);
    CHECK_FALSE(contains(html, sink));
  }

  daemon_process d;
  d.start();
  const auto page = call(d, "GET", "/");
  INFO(show(page).substr(0, 300));
  REQUIRE(page.status == 200);
  const auto type = page.header("Content-Type").value_or("");
  CHECK(type.rfind("text/html", 0) == 0);
  CHECK(contains(type, "charset=utf-8"));
  CHECK(page.body == html);
}

TEST_CASE("dashboard: headless chromium renders endpoints, a failing endpoint's last error and "
          "an endpoint_disabled alert",
          "[daemon][dashboard][browser]") {
  require_chromium();

  test_receiver rx_ok{[](const received_request&) { return reply::ok("ok"); }};
  test_receiver rx_failing{
      [](const received_request&) { return reply::with_status(500, "database is down"); }};
  test_receiver rx_gone{[](const received_request&) { return reply::with_status(410, "gone"); }};
  daemon_process d; // no api_token: the page needs none
  d.start();

  const auto orders = create_endpoint(d, rx_ok.url("/hooks/orders"));
  const auto billing = create_endpoint(d, rx_ok.url("/hooks/billing"));
  const auto failing = create_endpoint(d, rx_failing.url("/hooks/failing"));
  const auto gone = create_endpoint(d, rx_gone.url("/hooks/gone"));
  // Markup in a description (URLs cannot carry '<'), subscribed to nothing: shown as text.
  const std::string markup_text = "<b/id=\"injected\">bold</b> & <i>co</i>";
  const auto markup = create_endpoint(d, rx_ok.url("/hooks/quiet"),
                                      {{"event_types", {"never.sent"}}, {"description", markup_text}});

  constexpr int messages = 3;
  for (int i = 0; i < messages; ++i) {
    auto r = call(d, "POST", "/v1/messages",
                  R"({"event_type":"order.paid","payload":{"order":)" + std::to_string(1040 + i) +
                      "}}");
    INFO(show(r));
    REQUIRE(r.status == 202);
  }

  // Wait until /v1/stats has what the page must show: the healthy deliveries done, the 500s on
  // the failure board, the 410's endpoint_disabled alert.
  json stats;
  const bool ready = wait_until(
      [&] {
        auto r = call(d, "GET", "/v1/stats");
        if (r.status != 200)
          return false;
        stats = json::parse(r.body, nullptr, false);
        return !stats.is_discarded() &&
               delivered(stats) >= 2 * messages &&
               shows_failure(stats, id_of(failing), 500) &&
               shows_alert(stats, "endpoint_disabled", id_of(gone));
      },
      20s);
  INFO("last /v1/stats: " << stats.dump() << "\nhookd log:\n" << tail(d.log()));
  REQUIRE(ready);

  // The page, rendered: chromium runs its scripts for 10 s of virtual time (the clock stands
  // still while a fetch is in flight, so the /v1 answers are in), then prints the DOM.
  const auto started = steady::now();
  const auto dom_run = run_chromium({"--dump-dom"}, d.url("/"));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
  INFO("chromium --dump-dom took " << took.count() << " ms, exit " << dom_run.exit_code
                                   << "; stderr:\n"
                                   << tail(dom_run.err, 1500));
  REQUIRE(dom_run.finished);
  REQUIRE(dom_run.exit_code == 0);
  const std::string& dom = dom_run.out;
  REQUIRE(contains(dom, "</html>"));
  INFO("DOM (end):\n" << tail(dom, 6000));

  // Connected, with data (not the "cannot reach hookd" or "unauthorized" state).
  CHECK(contains(element_by_id(dom, "conn"), "data-state=\"live\""));
  CHECK(element_by_id(dom, "banner").find(" hidden") != std::string::npos);
  CHECK(contains(element_by_id(dom, "tile-accepted"), ">" + std::to_string(messages) + "<"));
  CHECK(contains(element_by_id(dom, "throughput-chart"), "class=\"succeeded\""));

  // Every endpoint URL in the endpoints table (the markup one as text, not as an element).
  const auto endpoints = element_by_id(dom, "endpoints");
  REQUIRE_FALSE(endpoints.empty());
  for (const auto* ep : {&orders, &billing, &failing, &gone}) {
    const auto url = (*ep)["url"].get<std::string>();
    INFO("endpoint " << url);
    CHECK(contains(row_of(endpoints, id_of(*ep)), ">" + as_dom_text(url) + "<"));
  }
  CHECK(contains(row_of(endpoints, id_of(gone)), "disabled"));
  CHECK(contains(row_of(endpoints, id_of(gone)), ">gone<"));
  CHECK(contains(row_of(endpoints, id_of(markup)), ">" + as_dom_text(markup_text) + "<"));
  CHECK_FALSE(contains(dom, "<b id=\"injected\">"));

  // The failing endpoint: its URL, last status code and last error.
  const auto failing_table = element_by_id(dom, "failing-endpoints");
  const auto failing_row = row_of(failing_table, id_of(failing));
  INFO("failing-endpoints:\n" << failing_table);
  REQUIRE_FALSE(failing_row.empty());
  CHECK(contains(failing_row, ">" + as_dom_text(failing["url"].get<std::string>()) + "<"));
  CHECK(contains(failing_row, ">500<"));
  CHECK(contains(failing_row, ">http_status<"));
  CHECK(contains(failing_row, "data-action=\"retry\""));
  CHECK_FALSE(contains(row_of(failing_table, id_of(orders)), "data-endpoint-id"));

  // The alert, naming the gone endpoint.
  const auto alerts = element_by_id(dom, "alerts");
  INFO("alerts:\n" << alerts);
  CHECK(contains(alerts, ">endpoint_disabled<"));
  CHECK(contains(alerts, id_of(gone)));

  // A screenshot for people (docs/dashboard.png is made the same way, by hand), in the build
  // directory: <build>/test-output/dashboard.png.
  const auto out_dir =
      std::filesystem::path{HOOKD_BINARY}.parent_path().parent_path() / "test-output";
  std::filesystem::create_directories(out_dir);
  const auto png = out_dir / "dashboard.png";
  std::filesystem::remove(png);
  const auto shot = run_chromium(
      {"--screenshot=" + png.string(), "--window-size=1400,1000", "--hide-scrollbars"}, d.url("/"));
  INFO("chromium --screenshot exit " << shot.exit_code << "; stderr:\n" << tail(shot.err, 1500));
  REQUIRE(shot.finished);
  CHECK(shot.exit_code == 0);
  REQUIRE(std::filesystem::exists(png));
  const auto bytes = read_file(png.string());
  CHECK(bytes.size() > 10'000);
  CHECK(bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
}

TEST_CASE("dashboard: with an api_token, GET / needs none and the page asks for the token",
          "[daemon][dashboard][browser]") {
  require_chromium();
  daemon_process d{{"--server.api_token=dash-test-token-7Jc2WmQp"}};
  d.start();
  REQUIRE(call(d, "GET", "/v1/stats").status == 401);
  const auto page = call(d, "GET", "/");
  INFO(show(page).substr(0, 300));
  REQUIRE(page.status == 200);

  const auto run = run_chromium({"--dump-dom"}, d.url("/"));
  INFO("chromium exit " << run.exit_code << "; stderr:\n" << tail(run.err, 1500));
  REQUIRE(run.finished);
  REQUIRE(run.exit_code == 0);
  const auto& dom = run.out;
  INFO("DOM (start):\n" << dom.substr(0, 4000));
  CHECK(contains(element_by_id(dom, "conn"), "data-state=\"unauthorized\""));
  const auto form = element_by_id(dom, "token-form");
  REQUIRE_FALSE(form.empty());
  CHECK_FALSE(contains(form.substr(0, form.find('>')), " hidden"));
  CHECK(contains(form, "id=\"token-input\""));
  CHECK(contains(element_by_id(dom, "banner"), "Unauthorized"));
}

TEST_CASE("dashboard: headless chromium shows the cluster's nodes",
          "[daemon][dashboard][browser][cluster][postgres]") {
  require_chromium();
  const auto db = test_database();
  std::vector<std::unique_ptr<daemon_process>> nodes;
  for (const auto* id : {"node-a", "node-b"}) {
    nodes.push_back(std::make_unique<daemon_process>(
        std::vector<std::string>{std::string{"--cluster.node_id="} + id, "--cluster.heartbeat=500ms",
                                 "--cluster.lease_ttl=3s"},
        store_choice{db}));
    nodes.back()->start();
  }
  // Both nodes are live in node-a's view (its last heartbeat saw node-b).
  REQUIRE(wait_until(
      [&] {
        auto r = call(*nodes[0], "GET", "/v1/cluster");
        return r.status == 200 && json::parse(r.body)["nodes"].size() == 2;
      },
      10s));

  const auto dom_run = run_chromium({"--dump-dom"}, nodes[0]->url("/"));
  INFO("chromium exit " << dom_run.exit_code << "; stderr:\n" << tail(dom_run.err, 1500));
  REQUIRE(dom_run.finished);
  REQUIRE(dom_run.exit_code == 0);
  const auto panel = element_by_id(dom_run.out, "nodes-panel");
  INFO("nodes panel:\n" << panel);
  REQUIRE_FALSE(panel.empty());
  CHECK(panel.find(" hidden") == std::string::npos); // shown in cluster mode
  const auto table = element_by_id(dom_run.out, "nodes-body");
  CHECK(contains(table, ">node-a<"));
  CHECK(contains(table, ">node-b<"));
  for (auto& n : nodes)
    CHECK(n->terminate() == 0);
}

TEST_CASE("dashboard: headless chromium lists the applications with their counts and offers "
          "each as an endpoint filter",
          "[daemon][dashboard][browser]") {
  require_chromium();
  test_receiver rx{[](const received_request&) { return reply::ok("ok"); }};
  daemon_process d;
  d.start();
  auto app = call(d, "POST", "/api/v1/app", R"({"name":"Acme Corp","uid":"acme"})");
  REQUIRE(app.status == 201);
  const auto app_id = json::parse(app.body)["id"].get<std::string>();
  auto ep = call(d, "POST", "/api/v1/app/acme/endpoint", json{{"url", rx.url("/acme")}}.dump());
  REQUIRE(ep.status == 201);
  REQUIRE(call(d, "POST", "/api/v1/app/acme/msg", R"({"eventType":"t","payload":{}})").status == 202);
  REQUIRE(wait_until(
      [&] {
        auto r = call(d, "GET", "/v1/stats");
        auto st = json::parse(r.body, nullptr, false);
        return !st.is_discarded() && st["applications"].size() == 1 &&
               st["applications"][0]["delivered"] == 1;
      },
      20s));

  const auto dom_run = run_chromium({"--dump-dom"}, d.url("/"));
  INFO("chromium exit " << dom_run.exit_code << "; stderr:\n" << tail(dom_run.err, 1500));
  REQUIRE(dom_run.finished);
  REQUIRE(dom_run.exit_code == 0);
  const auto panel = element_by_id(dom_run.out, "applications-panel");
  INFO("applications panel:\n" << panel);
  REQUIRE_FALSE(panel.empty());
  CHECK(panel.find(" hidden") == std::string::npos);
  const auto body = element_by_id(dom_run.out, "applications-body");
  CHECK(contains(body, "data-application=\"" + app_id + "\""));
  CHECK(contains(body, ">Acme Corp (acme)<")); // its name, read from /v1/applications
  CHECK(contains(body, ">1<"));                 // one endpoint enabled, one delivered
  const auto filter = element_by_id(dom_run.out, "app-filter");
  CHECK(contains(filter, "value=\"" + app_id + "\""));
  CHECK(d.terminate() == 0);
}

TEST_CASE("dashboard: headless chromium lists the inbound sources with their requests and latest event",
          "[daemon][dashboard][browser]") {
  require_chromium();
  daemon_process d;
  d.start();
  auto src = call(d, "POST", "/v1/sources", R"({"name":"typeform-signups","kind":"token","secret":"shared-token-1234567"})");
  REQUIRE(src.status == 201);
  const auto source_id = json::parse(src.body)["id"].get<std::string>();
  auto in = http_exchange("POST", d.url("/in/" + source_id + "?token=shared-token-1234567"), {},
                          R"({"event_type":"form_response"})");
  REQUIRE(in.status == 200);
  REQUIRE(http_exchange("POST", d.url("/in/" + source_id + "?token=wrong-token-1234567"), {}, "{}").status == 401);

  const auto dom_run = run_chromium({"--dump-dom"}, d.url("/"));
  INFO("chromium exit " << dom_run.exit_code << "; stderr:\n" << tail(dom_run.err, 1500));
  REQUIRE(dom_run.finished);
  REQUIRE(dom_run.exit_code == 0);
  const auto panel = element_by_id(dom_run.out, "sources-panel");
  INFO("sources panel:\n" << panel);
  REQUIRE_FALSE(panel.empty());
  CHECK(panel.find(" hidden") == std::string::npos);
  const auto body = element_by_id(dom_run.out, "sources-body");
  CHECK(contains(body, "data-source=\"" + source_id + "\""));
  CHECK(contains(body, ">typeform-signups<"));
  CHECK(contains(body, ">/in/" + source_id + "<"));
  CHECK(contains(body, ">1<"));                    // one accepted, one refused
  CHECK(contains(body, ">typeform-signups · "));  // the latest event: a token source's type is its name
  CHECK(d.terminate() == 0);
}
