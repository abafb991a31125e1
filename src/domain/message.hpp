#pragma once
// A stored chat message: its id orders it within the whole server (a larger id was stored later).

#include <cstdint>
#include <optional>
#include <string>

namespace parley::domain {

struct Message {
  std::int64_t id = 0;
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string username;
  std::string body;
  std::int64_t ts_ms = 0;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;  // compact JSON object text, stored as sent
};

}  // namespace parley::domain
