#pragma once
// What a scenario does with the connections of a Fleet once they are authenticated and joined;
// every call comes on the connection's own event-loop thread.

#include <cstddef>
#include <string_view>

#include "client/json_fields.hpp"

namespace parley::bench {

class FleetHandler {
 public:
  virtual ~FleetHandler() = default;
  virtual void on_ready(std::size_t slot, std::size_t thread) = 0;
  // A frame after the connection became ready, parsed once by the fleet.
  virtual void on_frame(std::size_t slot, std::size_t thread, const JsonFields& frame,
                        std::string_view text) = 0;
  // A ready connection ended without being asked to.
  virtual void on_lost(std::size_t slot, std::size_t thread, std::string_view reason) = 0;
  // A connection failed before becoming ready (its reason is in Fleet::take_failures()).
  virtual void on_open_failed(std::size_t, std::size_t) {}
};

}  // namespace parley::bench
