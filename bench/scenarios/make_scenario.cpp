#include <memory>

#include "client/bench_error.hpp"
#include "scenarios/connect_scenario.hpp"
#include "scenarios/history_scenario.hpp"
#include "scenarios/idle_scenario.hpp"
#include "scenarios/publish_scenario.hpp"
#include "scenarios/room_list_scenario.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/search_scenario.hpp"
#include "scenarios/traffic_scenario.hpp"

namespace parley::bench {

std::unique_ptr<Scenario> make_scenario(const Options& o) {
  if (o.scenario == "fanout" || o.scenario == "rooms" || o.scenario == "cluster" ||
      o.scenario == "conversation")
    return std::make_unique<TrafficScenario>(o, o.scenario);
  if (o.scenario == "idle") return std::make_unique<IdleScenario>(o);
  if (o.scenario == "history") return std::make_unique<HistoryScenario>(o);
  if (o.scenario == "search") return std::make_unique<SearchScenario>(o);
  if (o.scenario == "connect") return std::make_unique<ConnectScenario>(o);
  if (o.scenario == "publish") return std::make_unique<PublishScenario>(o);
  if (o.scenario == "roomlist") return std::make_unique<RoomListScenario>(o);
  throw BenchError("unknown scenario " + o.scenario);
}

}  // namespace parley::bench
