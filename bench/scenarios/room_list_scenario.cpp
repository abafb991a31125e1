#include "scenarios/room_list_scenario.hpp"

#include <iostream>
#include <random>

#include "measure/clock.hpp"
#include "measure/proc_stats.hpp"
#include "scenarios/call_pacer.hpp"
#include "scenarios/history_seeder.hpp"
#include "scenarios/rest_callers.hpp"
#include "scenarios/scenario_setup.hpp"

namespace parley::bench {
namespace {

// Occurrences of `needle` in `text`.
std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

}  // namespace

void RoomListScenario::prepare() {
  const ScenarioSetup setup =
      ScenarioSetup::create(o_, 2, "roomlist" + std::to_string(o_.history_messages), o_.rooms);
  if (setup.accounts.size() < 2) throw BenchError("roomlist: needs --users 2 or more");
  reader_ = setup.accounts[0];  // owns every room, so is a member of each
  const Account& writer = setup.accounts[1];
  rooms_ = setup.rooms;
  if (setup.rooms_created > 0 || o_.seed) {
    ApiClient api(o_.host, o_.port);
    for (auto room : rooms_) api.join_room(room, writer.token);
    std::cerr << "seed: writing " << o_.history_messages << " messages into " << rooms_.size()
              << " rooms\n";
    HistorySeeder(o_, writer, rooms_, reader_.username).seed(o_.history_messages);
    // Read part-way through each room: unread counts of every size.
    std::mt19937_64 rng(42);
    for (auto room : rooms_) {
      auto range = api.message_id_range(room, reader_.token);
      if (!range) continue;
      std::uniform_int_distribution<std::int64_t> pick(range->second, range->first);
      const std::string body = "{\"up_to\":" + std::to_string(pick(rng)) + "}";
      api.http().request("POST", "/api/rooms/" + std::to_string(room) + "/read", body,
                         reader_.token);
    }
  }
}

Result RoomListScenario::open(std::size_t worker, std::size_t) {
  worker_ = worker;
  Result r;
  r.scenario = "roomlist";
  return r;
}

Result RoomListScenario::run_phase(double rate, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  const std::size_t callers = std::max<std::size_t>(1, o_.concurrency);
  const double per_caller = rate > 0 ? rate / static_cast<double>(callers) : 0;
  const std::int64_t start = now_ns();
  const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
  Result total = run_rest_callers(o_, callers, [&](std::size_t, ApiClient& api, Result& mine) {
    for (CallPacer pacer(per_caller, start, end); pacer.wait_turn();) {
      const std::int64_t sent_at = now_ns();
      HttpResponse res = api.http().request("GET", "/api/rooms", "", reader_.token);
      mine.latency.record(now_ns() - sent_at);
      ++mine.sent;
      if (res.status != 200) {
        mine.count_error(res.status ? "http " + std::to_string(res.status) : res.error);
        continue;
      }
      ++mine.acked;
      // Every room of the reader carries its read state.
      const std::size_t with_state = count_of(res.body, "\"unread\":");
      mine.delivered += with_state;
      if (with_state < rooms_.size()) mine.extra["short_listings"] += 1;
    }
  });
  total.scenario = "roomlist";
  total.seconds = static_cast<double>(now_ns() - start) / 1e9;
  total.target_rate = rate;
  total.extra["listings"] = static_cast<double>(total.acked);
  if (worker_ == 0) total.extra["rooms"] = static_cast<double>(rooms_.size());
  total.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return total;
}

}  // namespace parley::bench
