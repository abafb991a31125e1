#pragma once
// The rooms one connection subscribes to and how far each has been sent: the ordering rules of a
// room's event stream (`message` at its id, `message_updated` at its rev) with no I/O, so that
// they are tested without sockets. Owned by one session, on its network thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "net/ws_connection.hpp"

namespace parley::realtime {

class RoomSubscriptions {
 public:
  struct Subscription {
    std::int64_t room_id = 0;
    std::int64_t last_position = 0;  // highest position sent (or known to the client) for the room
    bool pending = true;             // a join is being answered: ordered events are buffered
    bool announced = false;          // counted in Presence and announced to the room
    struct Buffered {
      std::int64_t position;
      net::SharedFrame frame;
    };
    std::vector<Buffered> buffer;
  };

  enum class JoinStart {
    started,      // a new subscription, pending
    restarted,    // an existing one, pending again (a repeated join)
    in_progress,  // a join of this room is already being answered: refuse the new one
  };
  // `since`: what the client has already seen (its catch-up cursor).
  JoinStart begin_join(std::int64_t room_id, std::optional<std::int64_t> since);

  enum class Offer {
    send,      // live and new: send it now
    buffered,  // held until the join completes
    skip,      // not subscribed, or not above what was sent
    overflow,  // the pending buffer is full: the connection is too far behind
  };
  // An ordered event of the room at `position`. `send` moves last_position to it.
  Offer offer(std::int64_t room_id, std::int64_t position, const net::SharedFrame& frame,
              std::size_t max_buffered);

  // Ends a join whose reply showed the client every position up to `covered` (nullopt: the reply
  // covered nothing beyond what it already had): the subscription goes live, and the buffered
  // frames above what it now knows are returned, in order, to be sent.
  std::vector<net::SharedFrame> complete_join(std::int64_t room_id,
                                              std::optional<std::int64_t> covered);

  // Drops the subscription; returns it (nullopt when there was none) so that the caller can undo
  // its presence.
  std::optional<Subscription> remove(std::int64_t room_id);

  Subscription* find(std::int64_t room_id);
  bool is_live(std::int64_t room_id) const;
  bool empty() const noexcept { return subscriptions_.empty(); }
  const std::vector<Subscription>& all() const noexcept { return subscriptions_; }
  void clear() noexcept { subscriptions_.clear(); }

 private:
  std::vector<Subscription> subscriptions_;
};

}  // namespace parley::realtime
