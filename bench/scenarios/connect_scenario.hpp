#pragma once
// connect: new WebSocket connections per second, each upgraded, authenticated and joined, then
// reset (no TIME_WAIT) and replaced at once; `--concurrency` handshakes in flight per process.

#include <atomic>
#include <memory>
#include <vector>

#include "client/fleet_handler.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/scenario_setup.hpp"
#include "scenarios/worker_connections.hpp"

namespace parley::bench {

class ConnectScenario : public Scenario, public FleetHandler {
 public:
  explicit ConnectScenario(const Options& o) : o_(o) {}
  ~ConnectScenario() override { close(); }

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  Result run_phase(double rate, double seconds) override;
  void close() override;

  void on_ready(std::size_t slot, std::size_t thread) override;
  void on_frame(std::size_t, std::size_t, const JsonFields&, std::string_view) override {}
  void on_lost(std::size_t, std::size_t, std::string_view) override {}
  void on_open_failed(std::size_t slot, std::size_t thread) override;

 private:
  struct alignas(64) ThreadState {
    Result r;
    bool running = false;
  };

  const Options& o_;
  ScenarioSetup setup_;
  std::unique_ptr<WorkerConnections> connections_;
  std::vector<std::unique_ptr<ThreadState>> threads_;
};

}  // namespace parley::bench
