#pragma once
// publish: N connected users; REST threads call POST /api/publish to role "user" (each call
// carrying its timestamp), and the connections count and time the notifications they receive.

#include <atomic>
#include <memory>
#include <vector>

#include "client/fleet_handler.hpp"
#include "measure/shared_counters.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/scenario_setup.hpp"
#include "scenarios/worker_connections.hpp"

namespace parley::bench {

class PublishScenario : public Scenario, public FleetHandler {
 public:
  explicit PublishScenario(const Options& o) : o_(o) {}
  ~PublishScenario() override { close(); }

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  void before_phase() override;
  Result run_phase(double rate, double seconds) override;
  void close() override;
  bool rate_driven() const override { return true; }

  void on_ready(std::size_t, std::size_t) override {}
  void on_frame(std::size_t slot, std::size_t thread, const JsonFields& frame,
                std::string_view text) override;
  void on_lost(std::size_t slot, std::size_t thread, std::string_view reason) override;

 private:
  struct alignas(64) ThreadState {
    Result r;
    std::atomic<std::uint64_t> delivered{0};  // written by the thread only
  };
  std::uint64_t sum_delivered() const;

  // Shared over the worker processes: publisher threads still calling, the server's `delivered`
  // counts summed, and the notifications received.
  static constexpr std::size_t publishing_slot = 0;
  static constexpr std::size_t expected_slot = 1;
  static constexpr std::size_t delivered_slot = 2;
  std::unique_ptr<SharedCounters> shared_;

  const Options& o_;
  ScenarioSetup setup_;
  std::string key_;  // API key, or an admin's token
  std::size_t processes_ = 1;
  std::size_t open_ = 0;
  std::atomic<std::size_t> lost_{0};
  std::unique_ptr<WorkerConnections> connections_;
  std::vector<std::unique_ptr<ThreadState>> threads_;
};

}  // namespace parley::bench
