#include "scenarios/publish_scenario.hpp"

#include <chrono>
#include <mutex>
#include <thread>

#include "measure/clock.hpp"
#include "measure/proc_stats.hpp"
#include "scenarios/call_pacer.hpp"
#include "scenarios/rest_callers.hpp"

namespace parley::bench {

void PublishScenario::prepare() {
  setup_ = ScenarioSetup::create(o_, o_.connections, "publish", 0);
  key_ = o_.api_key;
  if (key_.empty()) {
    // "An admin's access token works too": usable when a bench account is the admin.
    for (const auto& a : setup_.accounts)
      if (a.role == "admin") key_ = a.token;
  }
  if (key_.empty())
    throw BenchError("publish: needs --api-key (start the server with --api-key NAME=KEY)");
  shared_ = std::make_unique<SharedCounters>(3);
}

Result PublishScenario::open(std::size_t worker, std::size_t workers) {
  processes_ = workers;
  connections_ = std::make_unique<WorkerConnections>(o_, *this);
  for (std::size_t t = 0; t < connections_->loops().size(); ++t)
    threads_.push_back(std::make_unique<ThreadState>());
  for (std::size_t i = worker; i < o_.connections; i += workers)
    connections_->fleet().add(setup_.token_of(i), 0, i);
  Result r = connections_->open_all("publish", o_.concurrency * 64);
  open_ = r.connections;
  return r;
}

Result PublishScenario::run_phase(double rate, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  EventLoops& loops = connections_->loops();
  loops.run_on_all([&](std::size_t t) {
    threads_[t]->r = Result{};
    threads_[t]->delivered.store(0);
  });
  // Publishers: blocking REST clients, paced when a rate is given.
  const std::size_t publishers = std::max<std::size_t>(1, o_.concurrency);
  const double per_publisher = rate > 0 ? rate / static_cast<double>(publishers * processes_) : 0;
  const std::int64_t start = now_ns();
  const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
  const Result calls =
      run_rest_callers(o_, publishers, [&](std::size_t, ApiClient& api, Result& mine) {
        for (CallPacer pacer(per_publisher, start, end); pacer.wait_turn();) {
          const std::string body = "{\"role\":\"user\",\"event\":\"bench.tick\",\"data\":{\"t\":" +
                                   std::to_string(now_ns()) + "}}";
          const std::int64_t sent_at = now_ns();
          HttpResponse res = api.http().request("POST", "/api/publish", body, key_);
          mine.ack_latency.record(now_ns() - sent_at);
          ++mine.sent;
          if (res.status == 202) {
            ++mine.acked;
            JsonFields f;
            if (f.parse(res.body) && f.delivered) {
              mine.expected += static_cast<std::uint64_t>(*f.delivered);
              shared_->at(expected_slot).fetch_add(*f.delivered);
            }
          } else {
            mine.count_error(res.status ? "http " + std::to_string(res.status) : res.error);
          }
        }
        shared_->at(publishing_slot).fetch_sub(1);
      });
  const double sent_for = static_cast<double>(now_ns() - start) / 1e9;
  // Every process's publishers first, then every notification the server said it delivered,
  // counted over all processes through the shared counters.
  const auto drain_end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::uint64_t shared_so_far = 0;
  std::uint64_t last = sum_delivered();
  std::int64_t last_ns = now_ns();
  auto publish_local = [&] {
    const std::uint64_t d = sum_delivered();
    shared_->at(delivered_slot).fetch_add(static_cast<std::int64_t>(d - shared_so_far));
    shared_so_far = d;
    if (d != last) {
      last = d;
      last_ns = now_ns();
    }
  };
  while (std::chrono::steady_clock::now() < drain_end) {
    publish_local();
    if (shared_->at(publishing_slot).load() <= 0 &&
        shared_->at(delivered_slot).load() >= shared_->at(expected_slot).load())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  publish_local();
  std::mutex m;
  Result total = calls;
  loops.run_on_all([&](std::size_t t) {
    std::lock_guard lock(m);
    total.merge(threads_[t]->r);
  });
  total.scenario = "publish";
  total.connections = open_ - std::min<std::size_t>(open_, lost_.load());
  // Rates cover the phase up to the last notification received.
  total.seconds = std::max(sent_for, static_cast<double>(last_ns - start) / 1e9);
  total.send_seconds = sent_for;
  total.target_rate = rate;
  total.extra["publish_calls"] = static_cast<double>(total.acked);
  total.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return total;
}

void PublishScenario::before_phase() {
  shared_->reset();
  shared_->at(publishing_slot)
      .store(static_cast<std::int64_t>(std::max<std::size_t>(1, o_.concurrency) * o_.processes));
}

void PublishScenario::on_frame(std::size_t, std::size_t t, const JsonFields& f, std::string_view) {
  if (f.type != "notification") return;
  ThreadState& ts = *threads_[t];
  ++ts.r.delivered;
  ts.delivered.store(ts.delivered.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  const auto pos = f.data.find("\"t\":");
  if (pos != std::string_view::npos) {
    if (auto sent_at = parse_int(f.data.substr(pos + 4))) ts.r.latency.record(now_ns() - *sent_at);
  }
}

void PublishScenario::on_lost(std::size_t, std::size_t t, std::string_view reason) {
  threads_[t]->r.count_error("closed: " + std::string(reason.substr(0, 60)));
  ++lost_;
}

std::uint64_t PublishScenario::sum_delivered() const {
  std::uint64_t n = 0;
  for (const auto& ts : threads_) n += ts->delivered.load(std::memory_order_relaxed);
  return n;
}

void PublishScenario::close() {
  if (!connections_) return;
  connections_->close();
  threads_.clear();
  connections_.reset();
}

}  // namespace parley::bench
