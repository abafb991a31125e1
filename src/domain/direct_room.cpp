#include "domain/direct_room.hpp"

#include <stdexcept>

namespace parley::domain {

DirectRoom direct_room(const User& a, const User& b) {
  if (a.id == b.id) throw std::invalid_argument("a direct-message room needs two users");
  const User& low = a.id < b.id ? a : b;
  const User& high = a.id < b.id ? b : a;
  return {std::to_string(low.id) + ":" + std::to_string(high.id),
          "dm:" + low.username + "," + high.username};
}

}  // namespace parley::domain
