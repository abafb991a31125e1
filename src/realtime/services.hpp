#pragma once
// The long-lived parts a session or request handler works with, wired once by main().

#include <cstddef>
#include <cstdint>

#include "auth/jwt.hpp"
#include "common/worker_pool.hpp"
#include "realtime/hub.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/receipt_throttle.hpp"
#include "store/message_writer.hpp"
#include "store/store.hpp"

namespace parley::realtime {

class ConnectedClients;
class ConnectionLimits;

struct RealtimeSettings {
  RateLimits rate_limits;
  // Typing fans out to a whole room: bounded so that one client cannot flood it.
  RateLimits typing_limits{5, 10, 1'000'000'000, 1'000};
  // Edits, deletions and reactions reach a whole room too; read positions only the user's
  // connections (and throttled receipts).
  RateLimits change_limits{20, 40, 1'000'000'000, 1'000};
  RateLimits read_limits{20, 40, 1'000'000'000, 1'000};
  std::int64_t auth_timeout_ms = 10'000;
  std::size_t missed_max = 500;            // also the most `changed` messages a `joined` shows
  std::size_t missed_max_bytes = 1 << 20;  // `joined` stays far below the outbound cap
  std::size_t max_pending_frames = 4096;   // live frames buffered while a join completes
  std::size_t max_rooms_per_connection = 2000;
};

struct Services {
  store::Store& store;
  store::MessageWriter& writer;
  const auth::JwtCodec& jwt;
  WorkerPool& workers;
  Hub& hub;
  RealtimeSettings settings;
  ReceiptThrottle* receipts = nullptr;  // none: no receipts are sent
  ConnectedClients* clients = nullptr;  // none: connections are not listed for the admin page
  ConnectionLimits* limits = nullptr;   // none: connections are not capped
};

}  // namespace parley::realtime
