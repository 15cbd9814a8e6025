// Applications (tenants) in the store: their rows, the endpoints and messages that belong to
// one (uid and event id unique within it), and fan-out kept to the message's application.
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

application_record make_app(const std::string& id, const std::string& uid) {
  application_record app;
  app.id = id;
  app.uid = uid;
  app.name = "Tenant " + id;
  app.rate_limit = 25;
  app.metadata = R"({"plan":"gold"})";
  app.created_at = at_ms(10);
  app.updated_at = at_ms(11);
  return app;
}

endpoint_record app_endpoint(const std::string& id, const std::string& app, const std::string& uid) {
  auto ep = make_endpoint(id);
  auto& t = ep.edit_tenancy();
  t.application_id = app;
  t.uid = uid;
  t.headers = {{"X-Team", "billing"}, {"X-Team", "second"}};
  t.metadata = R"({"owner":"ana"})";
  return ep;
}

} // namespace

TEST_CASE("applications round-trip and are found by id and by uid", "[store][applications]") {
  store_fixture f;
  f.db->insert_application(make_app("app_1", "acme"));
  f.db->insert_application(make_app("app_2", ""));

  auto one = f.db->find_application("app_1");
  REQUIRE(one);
  CHECK(one->uid == "acme");
  CHECK(one->name == "Tenant app_1");
  CHECK(one->rate_limit == 25);
  CHECK(one->metadata == R"({"plan":"gold"})");
  CHECK(one->created_at == at_ms(10));
  CHECK(f.db->find_application_by_uid("acme")->id == "app_1");
  CHECK(f.db->find_application("app_2")->uid.empty());
  CHECK_FALSE(f.db->find_application("app_3"));
  CHECK_FALSE(f.db->find_application_by_uid("nobody"));

  auto all = f.db->list_applications("", 10);
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == "app_1");
  CHECK(f.db->list_applications("app_1", 10).size() == 1);
}

TEST_CASE("an application's id and uid are unique", "[store][applications]") {
  store_fixture f;
  f.db->insert_application(make_app("app_1", "acme"));
  f.db->insert_application(make_app("app_2", "beta"));
  CHECK(refused_as_conflict([&] { f.db->insert_application(make_app("app_1", "other")); }));
  CHECK(refused_as_conflict([&] { f.db->insert_application(make_app("app_3", "acme")); }));
  auto renamed = make_app("app_2", "acme");
  CHECK(refused_as_conflict([&] { f.db->update_application(renamed); }));
  CHECK(f.db->find_application("app_2")->uid == "beta");

  // Two applications without a uid do not collide.
  f.db->insert_application(make_app("app_4", ""));
  f.db->insert_application(make_app("app_5", ""));
  CHECK(f.db->list_applications("", 10).size() == 4);
}

TEST_CASE("update_application and delete_application report an unknown id", "[store][applications]") {
  store_fixture f;
  f.db->insert_application(make_app("app_1", "acme"));
  auto changed = make_app("app_1", "");
  changed.name = "Renamed";
  changed.metadata = "{}";
  changed.updated_at = at_ms(99);
  CHECK(f.db->update_application(changed));
  auto after = f.db->find_application("app_1");
  CHECK(after->name == "Renamed");
  CHECK(after->uid.empty());
  CHECK(after->updated_at == at_ms(99));
  CHECK(after->created_at == at_ms(10));
  CHECK_FALSE(f.db->update_application(make_app("app_9", "")));
  CHECK(f.db->delete_application("app_1"));
  CHECK_FALSE(f.db->delete_application("app_1"));
  CHECK_FALSE(f.db->find_application("app_1"));
}

TEST_CASE("an endpoint keeps its application, uid, headers and metadata", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", "primary"));
  auto ep = f.db->find_endpoint("ep_a");
  REQUIRE(ep);
  CHECK(ep->tenancy().application_id == "app_1");
  CHECK(ep->tenancy().uid == "primary");
  REQUIRE(ep->tenancy().headers.size() == 2);
  CHECK(ep->tenancy().headers[0] == std::pair<std::string, std::string>{"X-Team", "billing"});
  CHECK(ep->tenancy().headers[1].second == "second");
  CHECK(ep->tenancy().metadata == R"({"owner":"ana"})");
  CHECK(f.db->find_endpoint_by_uid("app_1", "primary")->id == "ep_a");
  CHECK_FALSE(f.db->find_endpoint_by_uid("app_2", "primary"));

  // An endpoint of no application reads back with none of these.
  f.db->put_endpoint(make_endpoint("ep_plain"));
  auto plain = f.db->find_endpoint("ep_plain");
  CHECK(plain->tenancy().application_id.empty());
  CHECK(plain->tenancy().uid.empty());
  CHECK(plain->tenancy().headers.empty());
  CHECK(plain->tenancy().metadata == "{}");
}

TEST_CASE("an endpoint uid is unique within its application only", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", "primary"));
  f.db->put_endpoint(app_endpoint("ep_b", "app_2", "primary")); // another tenant: fine
  CHECK(refused_as_conflict([&] { f.db->put_endpoint(app_endpoint("ep_c", "app_1", "primary")); }));
  CHECK_FALSE(f.db->find_endpoint("ep_c"));
  CHECK(f.db->find_endpoint("ep_a")); // never replaced by the refused one

  // Writing the same endpoint again (same id, same uid) is not a conflict.
  auto again = app_endpoint("ep_a", "app_1", "primary");
  again.url = "https://example.test/moved";
  f.db->put_endpoint(again);
  CHECK(f.db->find_endpoint("ep_a")->url == "https://example.test/moved");

  // update_endpoint may not take another's uid either.
  f.db->put_endpoint(app_endpoint("ep_d", "app_1", "backup"));
  auto taking = *f.db->find_endpoint("ep_d");
  taking.edit_tenancy().uid = "primary";
  CHECK(refused_as_conflict([&] { f.db->update_endpoint(taking, endpoint_field::uid); }));
  CHECK(f.db->find_endpoint("ep_d")->tenancy().uid == "backup");
}

TEST_CASE("update_endpoint writes uid, headers and metadata only when named", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", "primary"));
  auto changed = *f.db->find_endpoint("ep_a");
  changed.edit_tenancy().uid = "renamed";
  changed.edit_tenancy().headers = {{"X-New", "1"}};
  changed.edit_tenancy().metadata = R"({"k":"v"})";
  changed.description = "not named";
  auto after = f.db->update_endpoint(changed, endpoint_field::headers | endpoint_field::metadata);
  REQUIRE(after);
  CHECK(after->tenancy().uid == "primary");
  REQUIRE(after->tenancy().headers.size() == 1);
  CHECK(after->tenancy().headers[0].first == "X-New");
  CHECK(after->tenancy().metadata == R"({"k":"v"})");
  CHECK(after->description == "endpoint ep_a");
  after = f.db->update_endpoint(changed, endpoint_field::uid);
  CHECK(after->tenancy().uid == "renamed");
  CHECK(f.db->find_endpoint_by_uid("app_1", "renamed"));
}

TEST_CASE("list_application_endpoints lists one application's endpoints by id", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", ""));
  f.db->put_endpoint(app_endpoint("ep_b", "app_2", ""));
  f.db->put_endpoint(app_endpoint("ep_c", "app_1", ""));
  f.db->put_endpoint(make_endpoint("ep_d"));
  auto page = f.db->list_application_endpoints("app_1", "", 10);
  REQUIRE(page.size() == 2);
  CHECK(page[0].id == "ep_a");
  CHECK(page[1].id == "ep_c");
  CHECK(f.db->list_application_endpoints("app_1", "ep_a", 10).size() == 1);
  CHECK(f.db->list_application_endpoints("app_1", "", 1).size() == 1);
  CHECK(f.db->list_application_endpoints("app_9", "", 10).empty());
}

TEST_CASE("a message keeps its application, event id and channels", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", ""));
  auto msg = make_message("msg_1", at_ms(100));
  msg.application_id = "app_1";
  msg.event_id = "evt-1";
  msg.channels = R"(["eu"])";
  auto deliveries = make_deliveries(msg, {"ep_a"});
  f.db->begin();
  f.db->insert_message(msg, deliveries);
  f.db->commit();
  auto stored = f.db->find_message("msg_1");
  REQUIRE(stored);
  CHECK(stored->application_id == "app_1");
  CHECK(stored->event_id == "evt-1");
  CHECK(stored->channels == R"(["eu"])");
  auto plain = insert(*f.db, "msg_2", at_ms(101), {"ep_x"});
  CHECK(f.db->find_message("msg_2")->application_id.empty());
  CHECK(f.db->find_message("msg_2")->event_id.empty());
}

TEST_CASE("an event id is unique within its application: a repeat is refused whole", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", ""));
  auto send = [&](const std::string& id, const std::string& app, const std::string& event_id) {
    auto msg = make_message(id, at_ms(100));
    msg.application_id = app;
    msg.event_id = event_id;
    auto deliveries = make_deliveries(msg, {"ep_a"});
    f.db->begin();
    try {
      f.db->insert_message(msg, deliveries);
      f.db->settle();
      f.db->commit();
    } catch (...) {
      f.db->rollback();
      throw;
    }
  };
  send("msg_1", "app_1", "evt-1");
  CHECK(refused_as_conflict([&] { send("msg_2", "app_1", "evt-1"); }));
  CHECK_FALSE(f.db->find_message("msg_2"));
  send("msg_3", "app_2", "evt-1"); // another application's event id space
  send("msg_4", "app_1", "");      // no event id: never a conflict
  send("msg_5", "app_1", "");
  CHECK(f.db->find_message("msg_5"));
}

TEST_CASE("a repeated event id in a transaction leaves the transaction usable", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", ""));
  auto msg = make_message("msg_1", at_ms(100));
  msg.application_id = "app_1";
  msg.event_id = "evt-1";
  auto d1 = make_deliveries(msg, {"ep_a"});
  f.db->begin();
  f.db->insert_message(msg, d1);
  auto repeat = make_message("msg_2", at_ms(101));
  repeat.application_id = "app_1";
  repeat.event_id = "evt-1";
  auto d2 = make_deliveries(repeat, {"ep_a"});
  CHECK(refused_as_conflict([&] {
    f.db->insert_message(repeat, d2);
    f.db->settle();
  }));
  auto other = make_message("msg_3", at_ms(102));
  auto d3 = make_deliveries(other, {"ep_a"});
  f.db->insert_message(other, d3);
  f.db->commit();
  CHECK(f.db->find_message("msg_1"));
  CHECK_FALSE(f.db->find_message("msg_2"));
  CHECK(f.db->find_message("msg_3"));
}

TEST_CASE("event types are stored by name, replaced in place, listed in name order", "[store][applications]") {
  store_fixture f;
  event_type_record t;
  t.name = "order.paid";
  t.description = "An order was paid";
  t.schemas = R"({"1":{"type":"object"}})";
  t.created_at = at_ms(1);
  t.updated_at = at_ms(1);
  f.db->put_event_type(t);
  t.name = "order.created";
  t.schemas.clear();
  f.db->put_event_type(t);
  auto paid = f.db->find_event_type("order.paid");
  REQUIRE(paid);
  CHECK(paid->description == "An order was paid");
  CHECK(paid->schemas == R"({"1":{"type":"object"}})");
  CHECK_FALSE(paid->archived);

  auto again = *paid;
  again.description = "Paid";
  again.archived = true;
  again.created_at = at_ms(50); // never replaces the first one
  again.updated_at = at_ms(50);
  f.db->put_event_type(again);
  paid = f.db->find_event_type("order.paid");
  CHECK(paid->description == "Paid");
  CHECK(paid->archived);
  CHECK(paid->created_at == at_ms(1));
  CHECK(paid->updated_at == at_ms(50));

  auto all = f.db->list_event_types("", 10);
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "order.created");
  CHECK(all[0].schemas.empty());
  CHECK(f.db->list_event_types("order.created", 10).size() == 1);
  CHECK_FALSE(f.db->find_event_type("nope"));
}

TEST_CASE("requeue_delivery re-queues one endpoint's delivery, delivered or failed", "[store][applications]") {
  store_fixture f;
  auto m = insert(*f.db, "msg_1", at_ms(100), {"ep_a", "ep_b"});
  const auto& a = m.deliveries.at(0);
  const auto& b = m.deliveries.at(1);
  apply(*f.db, final_state(a, delivery_status::delivered, failure_reason::none, at_ms(200)));
  apply(*f.db, final_state(b, delivery_status::failed, failure_reason::exhausted, at_ms(200)));

  auto again = f.db->requeue_delivery(m.msg.seq, "ep_a", at_ms(300));
  REQUIRE(again.size() == 1);
  CHECK(again[0].endpoint_id == "ep_a");
  CHECK(again[0].status == delivery_status::pending);
  CHECK(again[0].next_attempt_at == at_ms(300));
  CHECK(again[0].attempts == 1); // kept: one more attempt, not a fresh window
  // ep_b's failed delivery is left alone.
  for (const auto& d : f.db->deliveries_of(m.msg.seq))
    if (d.endpoint_id == "ep_b")
      CHECK(d.status == delivery_status::failed);
  // A disabled endpoint's delivery stays as it is; an unknown endpoint has none.
  f.db->set_endpoint_status("ep_b", endpoint_status::disabled, disabled_reason::manual, at_ms(310));
  CHECK(f.db->requeue_delivery(m.msg.seq, "ep_b", at_ms(320)).empty());
  CHECK(f.db->requeue_delivery(m.msg.seq, "ep_x", at_ms(320)).empty());
  // Already pending: returned as it is.
  CHECK(f.db->requeue_delivery(m.msg.seq, "ep_a", at_ms(330)).size() == 1);
}

TEST_CASE("counts_by_application sums each application's endpoints and deliveries", "[store][applications]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a1", "app_1", ""));
  f.db->put_endpoint(app_endpoint("ep_a2", "app_1", ""));
  f.db->put_endpoint(app_endpoint("ep_b1", "app_2", ""));
  f.db->put_endpoint(make_endpoint("ep_plain"));
  f.db->set_endpoint_status("ep_a2", endpoint_status::disabled, disabled_reason::manual, at_ms(1));
  auto m = insert(*f.db, "msg_1", at_ms(100), {"ep_a1", "ep_b1", "ep_plain"});
  insert(*f.db, "msg_2", at_ms(101), {"ep_a1"});
  apply(*f.db, final_state(m.deliveries.at(0), delivery_status::delivered, failure_reason::none, at_ms(200)));
  apply(*f.db, final_state(m.deliveries.at(1), delivery_status::failed, failure_reason::exhausted, at_ms(200)));
  auto counts = f.db->counts_by_application();
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].application_id == "app_1");
  CHECK(counts[0].endpoints_enabled == 1);
  CHECK(counts[0].endpoints_disabled == 1);
  CHECK(counts[0].pending == 1);
  CHECK(counts[0].delivered == 1);
  CHECK(counts[0].failed == 0);
  CHECK(counts[1].application_id == "app_2");
  CHECK(counts[1].failed == 1);
  CHECK(counts[1].pending == 0);
}

TEST_CASE("PostgreSQL fan-out in the store keeps to the message's application", "[store][applications][postgres]") {
  store_fixture f;
  f.db->put_endpoint(app_endpoint("ep_a", "app_1", ""));
  auto typed = app_endpoint("ep_a_typed", "app_1", "");
  typed.event_types = {"order.created"};
  f.db->put_endpoint(typed);
  f.db->put_endpoint(app_endpoint("ep_b", "app_2", ""));
  f.db->put_endpoint(make_endpoint("ep_plain")); // subscribed to order.created, no application
  postgres_options fanning;
  fanning.fan_out_in_store = true;
  auto db = open_postgres_store(f.conninfo, fanning);
  auto send = [&](const std::string& id, const std::string& app) {
    auto msg = make_message(id, at_ms(100));
    msg.application_id = app;
    std::vector<delivery_record> deliveries;
    db->begin();
    db->insert_message(msg, deliveries);
    db->commit();
    std::vector<std::string> ids;
    for (const auto& d : deliveries)
      ids.push_back(d.endpoint_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  CHECK(send("msg_1", "app_1") == std::vector<std::string>{"ep_a", "ep_a_typed"});
  CHECK(send("msg_2", "app_2") == std::vector<std::string>{"ep_b"});
  CHECK(send("msg_3", "") == std::vector<std::string>{"ep_plain"});
  CHECK(send("msg_4", "app_9").empty());
}
