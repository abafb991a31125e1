#include "scenarios/worker_connections.hpp"

namespace parley::bench {

WorkerConnections::WorkerConnections(const Options& o, FleetHandler& handler)
    : o_(o), loops_(o.threads), fleet_(o, loops_, handler) {}

WorkerConnections::~WorkerConnections() {
  close();
}

Result WorkerConnections::open_all(const std::string& scenario, std::size_t concurrency) {
  Result r;
  r.scenario = scenario;
  r.connections = fleet_.open_all(concurrency, o_.setup_timeout_s);
  for (const auto& [reason, n] : fleet_.take_failures()) {
    r.connect_failures += n;
    r.count_error(reason, n);
  }
  return r;
}

void WorkerConnections::close() {
  if (closed_) return;
  closed_ = true;
  fleet_.close_all();
  loops_.stop();
}

}  // namespace parley::bench
