#pragma once
// The server processes named by --server-pid, read together: the instances of a cluster count
// as one server (CPU and memory summed), and each one's figures are kept for the report.

#include <optional>
#include <vector>

#include "measure/proc_stats.hpp"

namespace parley::bench {

struct ServerSample {
  ProcSample total;              // summed over the processes (peak RSS: the sum of the peaks)
  std::vector<ProcSample> each;  // in --server-pid order
};

// nullopt when no pid was given or one of the processes cannot be read (gone).
std::optional<ServerSample> sample_servers(const std::vector<int>& pids);

}  // namespace parley::bench
