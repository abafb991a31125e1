#pragma once
// Caps on open WebSocket connections: in total, per client address and per user, so that one
// address or one account cannot take every file descriptor of the process. A connection holds a
// Slot from its upgrade to its close; the user is added once it is known (by the upgrade's token
// or later by its `auth` frame). Thread-safe.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parley::realtime {

struct ConnectionCaps {
  std::size_t total = 0;        // 0: no cap
  std::size_t per_address = 0;  // 0: no cap
  std::size_t per_user = 0;     // 0: no cap
};

class ConnectionLimits;

// One connection's place under the caps; released when destroyed. Movable, not copyable.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

  // Counts the connection against `user_id`'s cap; false (and not counted) when the user has
  // `per_user` connections already. Without limits (a default slot) always true.
  bool add_user(std::int64_t user_id);
  void release() noexcept;

 private:
  friend class ConnectionLimits;
  ConnectionSlot(ConnectionLimits* limits, std::string address)
      : limits_(limits), address_(std::move(address)) {}

  ConnectionLimits* limits_ = nullptr;
  std::string address_;
  std::int64_t user_id_ = 0;
};

class ConnectionLimits {
 public:
  enum class Refusal { none, total, address, user };

  explicit ConnectionLimits(ConnectionCaps caps) : caps_(caps) {}

  // A place for a new connection from `address`, also counted for `user_id` when it is known
  // (non-zero); `refusal` says which cap refused it (the slot is then empty).
  ConnectionSlot acquire(const std::string& address, std::int64_t user_id, Refusal& refusal);

  const ConnectionCaps& caps() const noexcept { return caps_; }
  std::size_t open() const;

 private:
  friend class ConnectionSlot;
  bool add_user(std::int64_t user_id);
  void release(const std::string& address, std::int64_t user_id) noexcept;

  ConnectionCaps caps_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> by_address_;
  std::unordered_map<std::int64_t, std::size_t> by_user_;
};

// Counts a refusal in /metrics (parley_ws_connections_refused_total).
void count_refusal(ConnectionLimits::Refusal refusal) noexcept;

}  // namespace parley::realtime
