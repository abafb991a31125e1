#pragma once
// The WebSocket connections of one worker process of a scenario: its event loops and the Fleet
// over them, opened, counted and closed the same way by every WebSocket scenario.

#include <cstddef>
#include <string>

#include "client/event_loops.hpp"
#include "client/fleet.hpp"
#include "client/fleet_handler.hpp"
#include "config/options.hpp"
#include "measure/result.hpp"

namespace parley::bench {

class WorkerConnections {
 public:
  // --threads event loops; `handler` (the scenario) sees every connection once it is ready.
  WorkerConnections(const Options& o, FleetHandler& handler);
  ~WorkerConnections();
  WorkerConnections(const WorkerConnections&) = delete;
  WorkerConnections& operator=(const WorkerConnections&) = delete;

  EventLoops& loops() noexcept { return loops_; }
  Fleet& fleet() noexcept { return fleet_; }

  // Opens every connection added to the fleet, `concurrency` handshakes at a time, within
  // --setup-timeout: a Result of `scenario` with the connections open and, as connect failures
  // and errors, those that did not open.
  Result open_all(const std::string& scenario, std::size_t concurrency);
  // Closes the connections without reporting them lost and stops the loops; handlers still
  // pending are dropped. The scenario's timers on the loops may be destroyed after this.
  void close();

 private:
  const Options& o_;
  EventLoops loops_;
  Fleet fleet_;
  bool closed_ = false;
};

}  // namespace parley::bench
