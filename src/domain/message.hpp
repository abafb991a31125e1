#pragma once
// A stored chat message in its current state. Its id orders it within the whole server (a larger
// id was stored later); every later change to it draws a new position from the same sequence.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley::domain {

struct Message {
  std::int64_t id = 0;
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string username;
  std::string body;  // "" once deleted
  std::int64_t ts_ms = 0;
  std::optional<std::string> client_id;
  std::optional<std::string> meta_json;  // compact JSON object text, stored as sent
  // The position of the latest state: 0 (meaning `id`) until the message first changes.
  std::int64_t rev = 0;
  std::optional<std::int64_t> edited_at_ms;
  bool deleted = false;
  std::optional<std::int64_t> reply_to;  // the thread's parent
  std::int64_t reply_count = 0;          // deleted replies included
  std::optional<std::int64_t> last_reply_at_ms;
  std::vector<std::int64_t> mentions;         // member ids named in body, the sender excluded
  std::optional<std::string> reactions_json;  // the wire array, encoded by the store; none: absent
  std::optional<std::string> attachments_json;  // [Upload...], encoded by the store; none: absent

  // Where this state stands in the room's stream of events (`message` at id, updates at rev).
  std::int64_t position() const noexcept { return std::max(id, rev); }
};

}  // namespace parley::domain
