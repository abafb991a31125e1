#pragma once
// Whether an access token's session is live, for the REST and WebSocket checks.

#include <cstdint>

#include "realtime/session_registry.hpp"
#include "store/store.hpp"

namespace parley::realtime {

// The registry's answer; for a session it does not know, the store's, which it then remembers
// (live, or ended), so the store is read at most once per session. Blocking: call it off the
// network threads. Throws StoreUnavailable.
bool session_is_live(store::Store& store, SessionRegistry& sessions, std::int64_t session_id,
                     std::int64_t user_id, std::int64_t now_ms);

}  // namespace parley::realtime
