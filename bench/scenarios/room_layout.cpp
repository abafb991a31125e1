#include "scenarios/room_layout.hpp"

namespace parley::bench {

std::size_t instance_of(RoomLayout layout, std::size_t room, std::size_t member,
                        std::size_t instances) {
  if (instances <= 1) return 0;
  if (layout == RoomLayout::spread) return (room + member) % instances;
  const std::size_t home = room % instances;
  if (member == 0) return home;
  return (home + 1 + (member - 1) % (instances - 1)) % instances;
}

}  // namespace parley::bench
