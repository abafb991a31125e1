#pragma once
// idle: N authenticated connections (optionally joined to one room) held open for the duration;
// the driver turns the server's RSS before and after into bytes per connection.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "client/fleet_handler.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/scenario_setup.hpp"
#include "scenarios/worker_connections.hpp"

namespace parley::bench {

class IdleScenario : public Scenario, public FleetHandler {
 public:
  explicit IdleScenario(const Options& o) : o_(o) {}
  ~IdleScenario() override { close(); }

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  Result run_phase(double rate, double seconds) override;
  void close() override;

  void on_ready(std::size_t, std::size_t) override {}
  void on_frame(std::size_t, std::size_t, const JsonFields&, std::string_view) override {}
  void on_lost(std::size_t slot, std::size_t thread, std::string_view reason) override;

 private:
  const Options& o_;
  ScenarioSetup setup_;
  std::unique_ptr<WorkerConnections> connections_;
  std::mutex m_;
  std::map<std::string, std::uint64_t> lost_;  // under m_
  std::size_t open_ = 0;
};

}  // namespace parley::bench
