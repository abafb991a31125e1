#pragma once
// search: GET /api/search over the history scenario's seeded room (1,000,000 messages of
// "history <n> xxx…"), one to three words drawn from that corpus, the last one often a prefix:
// a message's number (one match), a number's prefix (tens to thousands of matches), "history"
// (every message) and combinations. Reports call latency; `delivered` counts results returned.

#include <random>
#include <string>
#include <string_view>

#include "scenarios/history_scenario.hpp"

namespace parley::bench {

class SearchScenario : public HistoryScenario {
 public:
  explicit SearchScenario(const Options& o) : HistoryScenario(o, "search") {}

 protected:
  std::string next_target(std::mt19937_64& rng) const override;
  void count_answer(std::string_view body, Result& mine) const override;
};

}  // namespace parley::bench
