#include "scenarios/connect_scenario.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "measure/clock.hpp"
#include "measure/proc_stats.hpp"

namespace parley::bench {

void ConnectScenario::prepare() {
  // The handshakes reuse every account many times over.
  setup_ = ScenarioSetup::create(o_, o_.users, "connect", 1);
}

Result ConnectScenario::open(std::size_t worker, std::size_t) {
  connections_ = std::make_unique<WorkerConnections>(o_, *this);
  for (std::size_t t = 0; t < connections_->loops().size(); ++t)
    threads_.push_back(std::make_unique<ThreadState>());
  // The slots are reused: each is one handshake in flight at a time.
  for (std::size_t i = 0; i < o_.concurrency; ++i) {
    const std::size_t global = worker * o_.concurrency + i;
    connections_->fleet().add(setup_.token_of(global), setup_.rooms.front(), global);
  }
  Result r;
  r.scenario = "connect";
  return r;
}

Result ConnectScenario::run_phase(double, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  EventLoops& loops = connections_->loops();
  Fleet& fleet = connections_->fleet();
  fleet.take_failures();
  const std::int64_t start = now_ns();
  loops.run_on_all([&](std::size_t t) {
    threads_[t]->r = Result{};
    threads_[t]->running = true;
    for (std::size_t i = t; i < fleet.size(); i += loops.size()) fleet.start(i);
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  Result total;
  std::mutex m;
  loops.run_on_all([&](std::size_t t) {
    threads_[t]->running = false;
    // Handshakes still in flight are abandoned, not counted.
    for (std::size_t i = t; i < fleet.size(); i += loops.size()) fleet.close(i, true);
    std::lock_guard lock(m);
    total.merge(threads_[t]->r);
  });
  total.seconds = static_cast<double>(now_ns() - start) / 1e9;
  for (const auto& [reason, n] : fleet.take_failures()) total.count_error(reason, n);
  total.scenario = "connect";
  total.extra["connects"] = static_cast<double>(total.acked);
  total.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return total;
}

void ConnectScenario::on_ready(std::size_t slot, std::size_t t) {
  ThreadState& ts = *threads_[t];
  if (!ts.running) return;
  Fleet& fleet = connections_->fleet();
  ts.r.latency.record(now_ns() - fleet.started_ns(slot));
  ++ts.r.acked;
  ++ts.r.sent;
  fleet.close(slot, true);
  fleet.start(slot);
}

void ConnectScenario::on_open_failed(std::size_t slot, std::size_t t) {
  ThreadState& ts = *threads_[t];
  if (!ts.running) return;
  ++ts.r.sent;
  // Retry from a fresh loop turn, so that a refusing server cannot recurse us.
  boost::asio::post(connections_->loops().at(t), [this, slot, t] {
    if (threads_[t]->running) connections_->fleet().start(slot);
  });
}

void ConnectScenario::close() {
  if (!connections_) return;
  connections_->close();
  threads_.clear();
  connections_.reset();
}

}  // namespace parley::bench
