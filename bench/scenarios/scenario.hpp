#pragma once
// A load pattern. prepare() runs once over REST before any worker process forks; then each
// worker opens its share of the connections and runs timed phases (one, or several in a ramp).

#include <cstddef>
#include <memory>

#include "config/options.hpp"
#include "measure/result.hpp"

namespace parley::bench {

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Parent process, before fork: accounts, rooms, seeding. Must leave no thread running.
  virtual void prepare() = 0;
  // Worker `worker` of `workers`: opens its connections; the result counts them and failures.
  virtual Result open(std::size_t worker, std::size_t workers) = 0;
  // Parent process, before each phase is started in the workers.
  virtual void before_phase() {}
  // Runs one phase at `rate` (sends/s or calls/s over all workers) for `seconds`.
  virtual Result run_phase(double rate, double seconds) = 0;
  // Closes the worker's connections.
  virtual void close() = 0;
  // Whether --ramp makes sense (the scenario has a send rate).
  virtual bool rate_driven() const { return false; }
};

// The scenario named in o.scenario; throws BenchError for one that is not available.
std::unique_ptr<Scenario> make_scenario(const Options& o);

}  // namespace parley::bench
