// Inbound sources in the store: their rows, and the messages posted to one (the sender's id
// unique within its source, the source's messages listed by an index).
#include "tests/store/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace hookd;
using namespace hookd::store;
using namespace hookd::store::testing;

namespace {

source_record make_source(const std::string& id) {
  source_record src;
  src.id = id;
  src.name = "forms " + id;
  src.kind = "typeform";
  src.secret = "typeform-secret-" + id;
  src.event_type_from = "/form_response/hidden/kind";
  src.created_at = at_ms(10);
  src.updated_at = at_ms(11);
  return src;
}

message_record sourced_message(const std::string& id, const std::string& source, const std::string& sender_id) {
  auto msg = make_message(id, at_ms(100));
  msg.source_id = source;
  msg.event_id = sender_id;
  return msg;
}

} // namespace

TEST_CASE("sources round-trip, change, list in id order and go", "[store][sources]") {
  store_fixture f;
  f.db->insert_source(make_source("src_1"));
  f.db->insert_source(make_source("src_2"));
  CHECK(refused_as_conflict([&] { f.db->insert_source(make_source("src_1")); }));

  auto one = f.db->find_source("src_1");
  REQUIRE(one);
  CHECK(one->name == "forms src_1");
  CHECK(one->kind == "typeform");
  CHECK(one->secret == "typeform-secret-src_1");
  CHECK(one->previous_secret.empty());
  CHECK(one->previous_secret_expires_at == no_time);
  CHECK(one->event_type_from == "/form_response/hidden/kind");
  CHECK(one->created_at == at_ms(10));

  auto changed = *one;
  changed.name = "renamed";
  changed.previous_secret = changed.secret;
  changed.previous_secret_expires_at = at_ms(5000);
  changed.secret = "typeform-secret-new";
  changed.created_at = at_ms(999); // not written by an update
  changed.updated_at = at_ms(20);
  CHECK(f.db->update_source(changed));
  auto reread = f.db->find_source("src_1");
  REQUIRE(reread);
  CHECK(reread->name == "renamed");
  CHECK(reread->secret == "typeform-secret-new");
  CHECK(reread->previous_secret == "typeform-secret-src_1");
  CHECK(reread->previous_secret_expires_at == at_ms(5000));
  CHECK(reread->created_at == at_ms(10));
  CHECK(reread->updated_at == at_ms(20));
  CHECK_FALSE(f.db->update_source(make_source("src_9")));

  auto page = f.db->list_sources("", 1);
  REQUIRE(page.size() == 1);
  CHECK(page[0].id == "src_1");
  page = f.db->list_sources("src_1", 10);
  REQUIRE(page.size() == 1);
  CHECK(page[0].id == "src_2");

  CHECK(f.db->delete_source("src_1"));
  CHECK_FALSE(f.db->delete_source("src_1"));
  CHECK_FALSE(f.db->find_source("src_1"));
  f.reopen();
  CHECK(f.db->find_source("src_2"));
}

TEST_CASE("a sender's id is stored once per source, other sources and applications may repeat it",
          "[store][sources]") {
  store_fixture f;
  f.db->put_endpoint(make_endpoint("ep_a"));
  auto first = sourced_message("msg_1", "src_1", "evt_42");
  auto deliveries = make_deliveries(first, {"ep_a"});
  f.db->insert_message(first, deliveries);
  CHECK(deliveries.size() == 1);

  auto again = sourced_message("msg_2", "src_1", "evt_42");
  auto more = make_deliveries(again, {"ep_a"});
  CHECK(refused_as_conflict([&] { f.db->insert_message(again, more); }));
  CHECK_FALSE(f.db->find_message("msg_2")); // nothing written, no delivery either
  CHECK(f.db->deliveries_of(first.seq).size() == 1);

  auto other_source = sourced_message("msg_3", "src_2", "evt_42");
  auto d3 = make_deliveries(other_source, {"ep_a"});
  f.db->insert_message(other_source, d3);
  auto app_message = make_message("msg_4", at_ms(101));
  app_message.event_id = "evt_42"; // no source, no application: not the sources' rule
  auto d4 = make_deliveries(app_message, {"ep_a"});
  f.db->insert_message(app_message, d4);
  auto no_id = sourced_message("msg_5", "src_1", "");
  auto d5 = make_deliveries(no_id, {"ep_a"});
  f.db->insert_message(no_id, d5); // a source without sender ids (token kind): no rule

  auto stored = f.db->find_message("msg_1");
  REQUIRE(stored);
  CHECK(stored->source_id == "src_1");
  CHECK(stored->event_id == "evt_42");
  CHECK(f.db->find_message("msg_4")->source_id.empty());

  message_filter by_source;
  by_source.source_id = "src_1";
  auto listed = f.db->list_messages(by_source, 10, 100);
  REQUIRE(listed.messages.size() == 2);
  CHECK(listed.messages[0].id == "msg_5"); // newest first
  CHECK(listed.messages[1].id == "msg_1");
  CHECK(listed.next_before == 0);

  // One sender's event, by the unique index; the same id from another source is another's.
  by_source.event_id = "evt_42";
  CHECK_FALSE(by_source.scans());
  listed = f.db->list_messages(by_source, 10, 100);
  REQUIRE(listed.messages.size() == 1);
  CHECK(listed.messages[0].id == "msg_1");
  by_source.source_id = "src_9";
  CHECK(f.db->list_messages(by_source, 10, 100).messages.empty());
  message_filter any_source;
  any_source.event_id = "evt_42";
  CHECK(any_source.scans()); // no index without the source or application
  CHECK(f.db->list_messages(any_source, 10, 100).messages.size() == 3);
}
