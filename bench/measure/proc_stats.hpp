#pragma once
// Reads a process's CPU time and memory from /proc, and this process's own CPU and fd limit.

#include <cstdint>
#include <optional>

namespace parley::bench {

struct ProcSample {
  double cpu_s = 0;             // utime + stime
  std::uint64_t rss_bytes = 0;  // VmRSS
  std::uint64_t hwm_bytes = 0;  // VmHWM: peak RSS
  std::uint64_t threads = 0;
};

class ProcStats {
 public:
  // nullopt when the process is gone or /proc is unreadable.
  static std::optional<ProcSample> sample(int pid);
  // user+system CPU seconds of the calling process (all threads).
  static double self_cpu_s();
  // Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
  static std::uint64_t raise_fd_limit();
};

}  // namespace parley::bench
