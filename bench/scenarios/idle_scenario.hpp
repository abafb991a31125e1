#pragma once
// idle: N authenticated connections (optionally joined to one room) held open for the duration;
// the driver turns the server's RSS before and after into bytes per connection.

#include <atomic>
#include <memory>
#include <mutex>

#include "client/api_client.hpp"
#include "client/event_loops.hpp"
#include "client/fleet.hpp"
#include "client/fleet_handler.hpp"
#include "scenarios/scenario.hpp"

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
  std::vector<Account> accounts_;
  std::int64_t room_ = 0;
  std::unique_ptr<EventLoops> loops_;
  std::unique_ptr<Fleet> fleet_;
  std::mutex m_;
  std::map<std::string, std::uint64_t> lost_;  // under m_
  std::size_t open_ = 0;
};

}  // namespace parley::bench
