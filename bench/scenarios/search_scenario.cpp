#include "scenarios/search_scenario.hpp"

#include <algorithm>
#include <cstdint>

namespace parley::bench {

std::string SearchScenario::next_target(std::mt19937_64& rng) const {
  // The seeder numbers its messages 0 .. count-1; any of them, as a whole word or a prefix.
  const std::int64_t span = std::max<std::int64_t>(1, newest() - oldest() + 1);
  const std::string number =
      std::to_string(std::uniform_int_distribution<std::int64_t>(0, span - 1)(rng));
  const std::string prefix =
      number.substr(0, std::uniform_int_distribution<std::size_t>(1, number.size())(rng));
  std::string q;
  switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
    case 0:  // one message, by its number
      q = number;
      break;
    case 1:  // a prefix: the last word of q matches as one
      q = prefix;
      break;
    case 2:
      q = "history+" + number;
      break;
    case 3:
      q = "history+" + prefix;
      break;
    default:  // three words, every one present
      q = "history+" + number + "+xx";
      break;
  }
  return "/api/search?limit=20&room=" + std::to_string(room()) + "&q=" + q;
}

void SearchScenario::count_answer(std::string_view body, Result& mine) const {
  const auto results = static_cast<std::uint64_t>(count_messages(body));
  mine.delivered += results;
  if (results == 0) mine.extra["empty_results"] += 1;
}

}  // namespace parley::bench
