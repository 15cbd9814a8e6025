#include "messages/errors.hpp"

#include <caf/message.hpp>

namespace hookd {

std::string describe(const caf::error& e) {
  if (e.category() == error_category && e.context().match_elements<std::string>())
    return e.context().get_as<std::string>(0);
  return caf::to_string(e);
}

} // namespace hookd
