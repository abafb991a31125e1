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

// One commit batch's room events (`message`, `message_updated`) with where the batch sits in the
// cluster's one position sequence (commits are serialised by cluster/ordered_publisher.hpp, so
// positions follow commit order): every position up to `after` was committed before the batch,
// which drew positions above it up to `through`. Consecutive batches chain (the next batch's
// `after` is this one's `through`), which is how an instance sees that one is missing
// (realtime/delivery_order.hpp).
struct OrderedBatch {
  std::int64_t after = 0;
  std::int64_t through = 0;
  std::vector<Delivery> events;  // Kind::room_event, in position order
};

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
  // must never wait for the network (the Redis bus queues to its own publisher thread). Returns
  // how many connections on other instances the event was queued for, when the relay knows (0
  // otherwise).
  virtual std::size_t forward(const RemoteEvent& event) = 0;
  // A commit batch's room events, on the message writer's thread in commit order; the other
  // instances get it through Hub::apply_remote_batch. Never dropped by a full queue.
  virtual void forward_batch(const OrderedBatch& batch) = 0;

  // Around one commit batch, on the message writer's thread (Hub::begin_batch/end_batch): a
  // relay may hold what that thread forwards in between and send it all at once in end_batch.
  virtual void begin_batch() {}
  virtual void end_batch() {}
};

}  // namespace parley::realtime
