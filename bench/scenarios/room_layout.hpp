#pragma once
// Which server instance each member of a room connects to, when --url names several.

#include <cstddef>

namespace parley::bench {

enum class RoomLayout {
  // Member j of room r goes to instance (r + j) % instances: members and senders (the first
  // members) both spread evenly.
  spread,
  // cluster: room r's first member (its sender) connects to instance r % instances and the
  // other members round-robin to the other instances, so that every room has members on every
  // instance (with enough members) and nearly every delivery crosses the bus.
  apart_from_sender,
};

// The instance of `member` (0-based) of `room` among `instances`.
std::size_t instance_of(RoomLayout layout, std::size_t room, std::size_t member,
                        std::size_t instances);

}  // namespace parley::bench
