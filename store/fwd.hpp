#pragma once
// Forward declarations of the store's types, for headers that only pass them around.

namespace hookd::store {

class error;
class store;
struct endpoint_record;
struct message_record;
struct delivery_record;
struct delivery_update;
struct attempt_record;
struct sqlite_options;

} // namespace hookd::store
