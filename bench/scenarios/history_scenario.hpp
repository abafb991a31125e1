#pragma once
// history: pages of 50 read over REST with `before` from a room holding many messages (seeded
// once, when the room is created or with --seed); reports page latency and pages per second.

#include <vector>

#include "client/api_client.hpp"
#include "scenarios/scenario.hpp"

namespace parley::bench {

class HistoryScenario : public Scenario {
 public:
  explicit HistoryScenario(const Options& o) : o_(o) {}

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  Result run_phase(double rate, double seconds) override;
  void close() override {}

 private:
  const Options& o_;
  Account reader_;
  std::int64_t room_ = 0;
  std::int64_t oldest_ = 0;
  std::int64_t newest_ = 0;
  std::size_t worker_ = 0;
};

}  // namespace parley::bench
