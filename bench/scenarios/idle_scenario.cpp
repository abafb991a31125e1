#include "scenarios/idle_scenario.hpp"

#include <chrono>
#include <thread>

#include "measure/proc_stats.hpp"

namespace parley::bench {

void IdleScenario::prepare() {
  setup_ = ScenarioSetup::create(o_, o_.connections, "idle", o_.join_idle ? 1 : 0);
}

Result IdleScenario::open(std::size_t worker, std::size_t workers) {
  connections_ = std::make_unique<WorkerConnections>(o_, *this);
  const std::int64_t room = setup_.rooms.empty() ? 0 : setup_.rooms.front();
  for (std::size_t i = worker; i < o_.connections; i += workers)
    connections_->fleet().add(setup_.token_of(i), room, i);
  Result r = connections_->open_all("idle", o_.concurrency);
  open_ = r.connections;
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
  if (!connections_) return;
  connections_->close();
  connections_.reset();
}

}  // namespace parley::bench
