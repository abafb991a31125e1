#pragma once
// Which sessions this instance knows to be live or ended, so that every request and every
// WebSocket authentication checks its token's session without reading the store. Thread-safe (a
// shared lock: checks never wait for each other).
//
// - Ended sessions are remembered for `retention_ms` (the access-token lifetime plus the clock
//   skew a token's iat may have): after that, every access token of the session has expired on
//   its own. The list is loaded from the store at startup and, in a cluster, kept current by the
//   hub's relay (Hub::end_sessions).
// - Live sessions are remembered when this instance starts one or the store confirms one (the
//   first time a token of a session started elsewhere, or before a restart, is seen: one store
//   read per session and instance, never one per request). The live map is bounded; when it is
//   full it is emptied, and sessions are confirmed again as they are used.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <shared_mutex>
#include <span>
#include <unordered_map>
#include <utility>

namespace parley::realtime {

class SessionRegistry {
 public:
  enum class Status {
    live,     // a live session of this user
    refused,  // ended, or another user's session
    unknown,  // not known here: ask the store (then remember_live or mark_ended)
  };

  explicit SessionRegistry(std::int64_t retention_ms = 16 * 60 * 1000,
                           std::size_t max_live = 200'000)
      : retention_ms_(retention_ms), max_live_(max_live) {}

  void set_retention_ms(std::int64_t retention_ms);
  std::int64_t retention_ms() const;

  Status status(std::int64_t session_id, std::int64_t user_id) const;

  void remember_live(std::int64_t session_id, std::int64_t user_id);
  // The sessions ended at `ended_at_ms`; forgets those ended before now_ms - retention.
  void mark_ended(std::span<const std::int64_t> session_ids, std::int64_t ended_at_ms,
                  std::int64_t now_ms);

  std::size_t ended_count() const;
  std::size_t live_count() const;

 private:
  void forget_expired_locked(std::int64_t now_ms);

  std::int64_t retention_ms_;
  std::size_t max_live_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::int64_t, std::int64_t> live_;            // session -> user
  std::unordered_map<std::int64_t, std::int64_t> ended_;           // session -> ended at (ms)
  std::deque<std::pair<std::int64_t, std::int64_t>> ended_order_;  // (ended at, session)
};

}  // namespace parley::realtime
