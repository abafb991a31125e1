#include "realtime/session_check.hpp"

namespace parley::realtime {

bool session_is_live(store::Store& store, SessionRegistry& sessions, std::int64_t session_id,
                     std::int64_t user_id, std::int64_t now_ms) {
  switch (sessions.status(session_id, user_id)) {
    case SessionRegistry::Status::live:
      return true;
    case SessionRegistry::Status::refused:
      return false;
    case SessionRegistry::Status::unknown:
      break;
  }
  auto session = store.find_session(session_id);
  if (!session) return false;
  if (session->ended_at_ms != 0) {
    const std::int64_t id = session->id;
    sessions.mark_ended({&id, 1}, session->ended_at_ms, now_ms);
    return false;
  }
  if (session->user_id != user_id) return false;
  sessions.remember_live(session->id, session->user_id);
  return true;
}

}  // namespace parley::realtime
