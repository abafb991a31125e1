#include "scenarios/idle_scenario.hpp"

#include <chrono>
#include <thread>

#include "measure/proc_stats.hpp"
#include "scenarios/scenario_setup.hpp"

namespace parley::bench {

void IdleScenario::prepare() {
  accounts_ = create_accounts(o_, std::max<std::size_t>(1, std::min(o_.users, o_.connections)));
  if (o_.join_idle) room_ = create_rooms(o_, accounts_[0], "idle", 1).front();
}

Result IdleScenario::open(std::size_t worker, std::size_t workers) {
  loops_ = std::make_unique<EventLoops>(o_.threads);
  fleet_ = std::make_unique<Fleet>(o_, *loops_, *this);
  for (std::size_t i = worker; i < o_.connections; i += workers)
    fleet_->add(accounts_[i % accounts_.size()].token, room_, i);
  Result r;
  r.scenario = "idle";
  open_ = fleet_->open_all(o_.concurrency, o_.setup_timeout_s);
  r.connections = open_;
  for (const auto& [reason, n] : fleet_->take_failures()) {
    r.connect_failures += n;
    r.count_error(reason, n);
  }
  return r;
}

Result IdleScenario::run_phase(double, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  Result r;
  r.scenario = "idle";
  r.seconds = seconds;
  std::lock_guard lock(m_);
  std::uint64_t lost = 0;
  for (const auto& [reason, n] : lost_) {
    r.count_error("closed: " + reason, n);
    lost += n;
  }
  lost_.clear();
  open_ -= std::min<std::size_t>(open_, lost);
  r.connections = open_;
  r.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return r;
}

void IdleScenario::on_lost(std::size_t, std::size_t, std::string_view reason) {
  std::lock_guard lock(m_);
  ++lost_[std::string(reason.substr(0, 60))];
}

void IdleScenario::close() {
  if (!loops_) return;
  fleet_->close_all();
  loops_->stop();
  fleet_.reset();
  loops_.reset();
}

}  // namespace parley::bench
