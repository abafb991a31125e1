#pragma once
// roomlist: GET /api/rooms of a member of --rooms rooms (default 200) holding --history-messages
// messages between them (default 1,000,000, seeded once by another member, some naming the
// reader), with read positions part-way through each room, so that every room has unread
// messages and some mentions. Reports the latency of the listing.

#include <cstdint>
#include <vector>

#include "client/api_client.hpp"
#include "scenarios/scenario.hpp"

namespace parley::bench {

class RoomListScenario : public Scenario {
 public:
  explicit RoomListScenario(const Options& o) : o_(o) {}

  void prepare() override;
  Result open(std::size_t worker, std::size_t workers) override;
  Result run_phase(double rate, double seconds) override;
  void close() override {}

 private:
  const Options& o_;
  Account reader_;
  std::vector<std::int64_t> rooms_;
  std::size_t worker_ = 0;
};

}  // namespace parley::bench
