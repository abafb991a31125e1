#pragma once
// history: pages of 50 read over REST with `before` from a room holding many messages (seeded
// once, when the room is created or with --seed); reports page latency and pages per second.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_client.hpp"
#include "scenarios/scenario.hpp"

namespace parley::bench {

// Messages in a page body (history or search results): each message object carries one "from".
int count_messages(std::string_view body);

class HistoryScenario : public Scenario {
 public:
  explicit HistoryScenario(const Options& o, std::string name = "history")
      : o_(o), name_(std::move(name)) {}

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  Result run_phase(double rate, double seconds) override;
  void close() override {}

 protected:
  // The request of one call (a page at a random `before`), and what its answer counts.
  virtual std::string next_target(std::mt19937_64& rng) const;
  virtual void count_answer(std::string_view body, Result& mine) const;

  std::int64_t room() const noexcept { return room_; }
  std::int64_t oldest() const noexcept { return oldest_; }
  std::int64_t newest() const noexcept { return newest_; }

 private:
  const Options& o_;
  std::string name_;
  Account reader_;
  std::int64_t room_ = 0;
  std::int64_t oldest_ = 0;
  std::int64_t newest_ = 0;
  std::size_t worker_ = 0;
};

}  // namespace parley::bench
