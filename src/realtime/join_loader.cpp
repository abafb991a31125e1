#include "realtime/join_loader.hpp"

#include <algorithm>
#include <limits>

#include "common/clock.hpp"

namespace parley::realtime {
namespace {

// Keeps at most limits' messages and bytes (at least one message); true when some were cut.
bool cut(std::vector<domain::Message>& messages, const JoinLimits& limits) {
  std::size_t keep = 0;
  std::size_t bytes = 0;
  while (keep < messages.size() && keep < limits.max_messages) {
    const auto& m = messages[keep];
    bytes += m.body.size() + (m.meta_json ? m.meta_json->size() : 0) +
             (m.reactions_json ? m.reactions_json->size() : 0) + 200;
    if (keep > 0 && bytes > limits.max_bytes) break;
    ++keep;
  }
  bool truncated = keep < messages.size();
  messages.resize(keep);
  return truncated;
}

}  // namespace

JoinResult load_join(store::Store& store, std::int64_t room_id, std::int64_t user_id,
                     std::optional<std::int64_t> since, const JoinLimits& limits) {
  JoinResult r;
  try {
    auto room = store.find_room(room_id, user_id);
    if (!room || (room->is_private && !room->joined)) {
      r.error = ErrorCode::not_found;
      r.error_message = "no room " + std::to_string(room_id);
      return r;
    }
    if (!room->joined) store.add_member(room_id, user_id, now_ms());
    if (since) {
      const int ask = static_cast<int>(limits.max_messages) + 1;
      auto pages = store.catch_up(room_id, *since, ask, ask);
      r.missed = std::move(pages.missed);
      r.changed = std::move(pages.changed);
      r.missed_truncated = cut(r.missed, limits);
      r.changed_truncated = cut(r.changed, limits);
      // A truncated page covers the stream only up to its last message (the client pages on).
      std::int64_t covered = std::max(*since, pages.newest_position);
      if (r.missed_truncated) covered = std::min(covered, r.missed.back().id);
      if (r.changed_truncated) covered = std::min(covered, r.changed.back().position());
      r.covered = std::max(covered, *since);
    } else {
      // Without `since` the live stream starts at this snapshot: an event committed before it
      // (whose fan-out may still be on its way) is history, not news, and is not sent after
      // `joined`, so what a client sees after joining does not depend on timing.
      r.covered =
          store.catch_up(room_id, std::numeric_limits<std::int64_t>::max(), 0, 0).newest_position;
    }
    auto overview = store.room_overview(room_id, user_id);
    if (!overview) {  // deleted meanwhile
      r.error = ErrorCode::not_found;
      r.error_message = "no room " + std::to_string(room_id);
      return r;
    }
    r.room = std::move(*overview);
  } catch (const store::StoreUnavailable&) {
    r.error = ErrorCode::unavailable;
    r.error_message = "store unavailable";
  }
  return r;
}

}  // namespace parley::realtime
