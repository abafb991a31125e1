#pragma once
// The direct-message room of two users: the same room, by the same key and name, from either side.

#include <string>

#include "domain/user.hpp"

namespace parley::domain {

struct DirectRoom {
  std::string key;   // "<low id>:<high id>", unique per pair
  std::string name;  // "dm:<username of low id>,<username of high id>"
};

// Throws std::invalid_argument when `a` and `b` are the same user.
DirectRoom direct_room(const User& a, const User& b);

}  // namespace parley::domain
