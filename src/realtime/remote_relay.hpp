#pragma once
// Where a cluster bus plugs into the hub. Every event the hub fans out to its local connections is
// also offered to the relay, which carries it to the other instances; the single-instance server
// has none. cluster::RedisBus implements it; events from other instances come back in through
// Hub::apply_remote.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "realtime/delivery.hpp"

namespace parley::realtime {

struct RemoteEvent {
  enum class Target {
    room,
    users,
    role,
    room_deleted,
    end_membership,
    role_change,
    sessions_ended,
  };

  Target target = Target::room;
  Delivery delivery;                           // the frame and its ordering facts (room targets)
  std::vector<std::int64_t> user_ids;          // users, end_membership, role_change, sessions_ended
  std::string role;                            // role, role_change
  std::vector<std::int64_t> session_ids = {};  // sessions_ended (of the one user in user_ids)
};

class RemoteRelay {
 public:
  virtual ~RemoteRelay() = default;

  // Thread-safe and quick: it runs on the message writer's thread and on network threads, so it
  // must never wait for the network (the Redis bus queues to its own publisher thread; within a
  // commit batch it holds the events and queues them together in end_batch). Returns
  // how many connections on other instances the event was queued for, when the relay knows (0
  // otherwise).
  virtual std::size_t forward(const RemoteEvent& event) = 0;

  // true when the relay hands room messages back to this instance too (through
  // Hub::apply_remote), in the one order every instance sees; the hub then does not deliver them
  // locally first, which could put a local message ahead of an earlier remote one.
  virtual bool loops_back_messages() const noexcept { return false; }

  // Around one commit batch, on the message writer's thread (Hub::begin_batch/end_batch): a
  // relay may hold what that thread forwards in between and send it all at once in end_batch,
  // still in order and before the batch's ordering lock is released.
  virtual void begin_batch() {}
  virtual void end_batch() {}
};

}  // namespace parley::realtime
