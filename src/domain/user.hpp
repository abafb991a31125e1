#pragma once
// A registered user of the chat. Times are epoch milliseconds.

#include <cstdint>
#include <string>

namespace parley::domain {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string role;  // "user" | "admin"
  std::int64_t created_at_ms = 0;
  bool deactivated = false;  // by an admin: cannot log in, every session ended
};

}  // namespace parley::domain
