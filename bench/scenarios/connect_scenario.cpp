#include "scenarios/connect_scenario.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "measure/clock.hpp"
#include "measure/proc_stats.hpp"
#include "scenarios/scenario_setup.hpp"

namespace parley::bench {

void ConnectScenario::prepare() {
  accounts_ = create_accounts(o_, std::max<std::size_t>(1, o_.users));
  room_ = create_rooms(o_, accounts_[0], "connect", 1).front();
}

Result ConnectScenario::open(std::size_t worker, std::size_t) {
  loops_ = std::make_unique<EventLoops>(o_.threads);
  fleet_ = std::make_unique<Fleet>(o_, *loops_, *this);
  for (std::size_t t = 0; t < loops_->size(); ++t)
    threads_.push_back(std::make_unique<ThreadState>());
  // The slots are reused: each is one handshake in flight at a time.
  for (std::size_t i = 0; i < o_.concurrency; ++i) {
    const std::size_t global = worker * o_.concurrency + i;
    fleet_->add(accounts_[global % accounts_.size()].token, room_, global);
  }
  Result r;
  r.scenario = "connect";
  return r;
}

Result ConnectScenario::run_phase(double, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  fleet_->take_failures();
  const std::int64_t start = now_ns();
  loops_->run_on_all([&](std::size_t t) {
    threads_[t]->r = Result{};
    threads_[t]->running = true;
    for (std::size_t i = t; i < fleet_->size(); i += loops_->size()) fleet_->start(i);
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  Result total;
  std::mutex m;
  loops_->run_on_all([&](std::size_t t) {
    threads_[t]->running = false;
    // Handshakes still in flight are abandoned, not counted.
    for (std::size_t i = t; i < fleet_->size(); i += loops_->size()) fleet_->close(i, true);
    std::lock_guard lock(m);
    total.merge(threads_[t]->r);
  });
  total.seconds = static_cast<double>(now_ns() - start) / 1e9;
  for (const auto& [reason, n] : fleet_->take_failures()) total.count_error(reason, n);
  total.scenario = "connect";
  total.extra["connects"] = static_cast<double>(total.acked);
  total.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return total;
}

void ConnectScenario::on_ready(std::size_t slot, std::size_t t) {
  ThreadState& ts = *threads_[t];
  if (!ts.running) return;
  ts.r.latency.record(now_ns() - fleet_->started_ns(slot));
  ++ts.r.acked;
  ++ts.r.sent;
  fleet_->close(slot, true);
  fleet_->start(slot);
}

void ConnectScenario::on_open_failed(std::size_t slot, std::size_t t) {
  ThreadState& ts = *threads_[t];
  if (!ts.running) return;
  ++ts.r.sent;
  // Retry from a fresh loop turn, so that a refusing server cannot recurse us.
  boost::asio::post(loops_->at(t), [this, slot, t] {
    if (threads_[t]->running) fleet_->start(slot);
  });
}

void ConnectScenario::close() {
  if (!loops_) return;
  fleet_->close_all();
  loops_->stop();
  threads_.clear();
  fleet_.reset();
  loops_.reset();
}

}  // namespace parley::bench
