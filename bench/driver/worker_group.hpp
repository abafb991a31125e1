#pragma once
// Runs a prepared scenario in this process, or in N forked worker processes that each hold a
// share of the connections; commands go down a pipe per worker, results (one JSON line per
// command) come back up another and are merged.

#include <cstdio>
#include <string>
#include <vector>

#include "measure/result.hpp"
#include "scenarios/scenario.hpp"

namespace parley::bench {

class WorkerGroup {
 public:
  WorkerGroup(Scenario& scenario, std::size_t processes);
  ~WorkerGroup();
  WorkerGroup(const WorkerGroup&) = delete;
  WorkerGroup& operator=(const WorkerGroup&) = delete;

  Result open();
  Result phase(double rate, double seconds);
  void close();

 private:
  struct Child {
    int pid = 0;
    FILE* commands = nullptr;  // parent → child
    FILE* results = nullptr;   // child → parent
  };
  [[noreturn]] void child_main(std::size_t index, FILE* commands, FILE* results);
  Result collect();

  Scenario& scenario_;
  std::size_t processes_;
  std::vector<Child> children_;
  bool closed_ = false;
};

}  // namespace parley::bench
