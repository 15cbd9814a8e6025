#pragma once
// An immutable, shared message body. Fan-out to many endpoints and retries share one buffer;
// copying a `payload` copies a pointer. Serialises as its bytes (CAF inspect).

#include "messages/inspect.hpp"

#include <memory>
#include <string>

namespace hookd {

class payload {
public:
  payload() = default;
  explicit payload(std::string bytes)
      : bytes_(std::make_shared<const std::string>(std::move(bytes))) {}

  bool loaded() const { return bytes_ != nullptr; }
  const std::string& str() const {
    static const std::string empty;
    return bytes_ ? *bytes_ : empty;
  }
  std::shared_ptr<const std::string> shared() const { return bytes_; }

private:
  std::shared_ptr<const std::string> bytes_;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payload& x) {
  std::string bytes;
  if constexpr (Inspector::reads_state)
    bytes = x.str();
  auto load = caf::meta::load_callback([&]() -> caf::error {
    x = payload{std::move(bytes)};
    return caf::none;
  });
  return f(caf::meta::type_name("payload"), bytes, load);
}

} // namespace hookd
