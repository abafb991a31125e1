#pragma once
// The store's part of a `join`, run on a worker: the room as the user sees it (joining a public
// room as member), and with `since` the catch-up pages — new messages and changed older ones —
// cut to the limits, and how far they cover the room's stream.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error_code.hpp"
#include "domain/message.hpp"
#include "domain/room.hpp"
#include "store/store.hpp"

namespace parley::realtime {

struct JoinLimits {
  std::size_t max_messages = 500;   // each of `missed` and `changed`
  std::size_t max_bytes = 1 << 20;  // each, so that `joined` stays far below the outbound cap
};

struct JoinResult {
  std::optional<ErrorCode> error;
  std::string error_message;
  domain::Room room;
  std::vector<domain::Message> missed;
  bool missed_truncated = false;
  std::vector<domain::Message> changed;
  bool changed_truncated = false;
  // Every position of the room up to this one is shown by the pages (or was already known to
  // the client): live events at or below it are not sent again. nullopt without `since`.
  std::optional<std::int64_t> covered;
};

JoinResult load_join(store::Store& store, std::int64_t room_id, std::int64_t user_id,
                     std::optional<std::int64_t> since, const JoinLimits& limits);

}  // namespace parley::realtime
