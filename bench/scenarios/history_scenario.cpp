#include "scenarios/history_scenario.hpp"

#include <iostream>
#include <random>

#include "client/api_client.hpp"
#include "measure/clock.hpp"
#include "measure/proc_stats.hpp"
#include "scenarios/call_pacer.hpp"
#include "scenarios/history_seeder.hpp"
#include "scenarios/rest_callers.hpp"
#include "scenarios/scenario_setup.hpp"

namespace parley::bench {
namespace {
constexpr int page_size = 50;
}  // namespace

int count_messages(std::string_view body) {
  int n = 0;
  for (auto pos = body.find("\"from\":"); pos != std::string_view::npos;
       pos = body.find("\"from\":", pos + 7))
    ++n;
  return n;
}

void HistoryScenario::prepare() {
  // The search scenario reads the same seeded room as history.
  const ScenarioSetup setup =
      ScenarioSetup::create(o_, 1, "history" + std::to_string(o_.history_messages), 1);
  reader_ = setup.accounts.front();
  room_ = setup.rooms.front();
  if (setup.rooms_created > 0 || o_.seed) {
    std::cerr << "seed: writing " << o_.history_messages << " messages into room " << room_ << "\n";
    HistorySeeder(o_, reader_, {room_}).seed(o_.history_messages);
  }
  auto range = ApiClient(o_.host, o_.port).message_id_range(room_, reader_.token);
  if (!range) throw BenchError("history: room " + std::to_string(room_) + " is empty (use --seed)");
  newest_ = range->first;
  oldest_ = range->second;
}

Result HistoryScenario::open(std::size_t worker, std::size_t) {
  worker_ = worker;
  Result r;
  r.scenario = name_;
  return r;
}

std::string HistoryScenario::next_target(std::mt19937_64& rng) const {
  // Any `before` that leaves a full page below it, spread over the whole room.
  std::uniform_int_distribution<std::int64_t> pick(oldest_ + page_size, newest_ + 1);
  return "/api/rooms/" + std::to_string(room_) +
         "/messages?limit=50&before=" + std::to_string(pick(rng));
}

void HistoryScenario::count_answer(std::string_view body, Result& mine) const {
  const int got = count_messages(body);
  mine.delivered += static_cast<std::uint64_t>(got);
  // Ids of other rooms may interleave, so a page can hold fewer only at the very end.
  if (got != page_size) mine.extra["short_pages"] += 1;
}

Result HistoryScenario::run_phase(double rate, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  const std::size_t readers = std::max<std::size_t>(1, o_.concurrency);
  const double per_reader = rate > 0 ? rate / static_cast<double>(readers) : 0;
  const std::int64_t start = now_ns();
  const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
  Result total = run_rest_callers(o_, readers, [&](std::size_t t, ApiClient& api, Result& mine) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(start) + t * 7919 + worker_ * 104729);
    for (CallPacer pacer(per_reader, start, end); pacer.wait_turn();) {
      const std::string target = next_target(rng);
      const std::int64_t sent_at = now_ns();
      HttpResponse res = api.http().request("GET", target, "", reader_.token);
      mine.latency.record(now_ns() - sent_at);
      ++mine.sent;
      if (res.status != 200) {
        mine.count_error(res.status ? "http " + std::to_string(res.status) : res.error);
        continue;
      }
      ++mine.acked;
      count_answer(res.body, mine);
    }
  });
  total.scenario = name_;
  total.seconds = static_cast<double>(now_ns() - start) / 1e9;
  total.target_rate = rate;
  total.extra["pages"] = static_cast<double>(total.acked);
  if (worker_ == 0) total.extra["room_id_span"] = static_cast<double>(newest_ - oldest_ + 1);
  total.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return total;
}

}  // namespace parley::bench
