#include "measure/server_sample.hpp"

namespace parley::bench {

std::optional<ServerSample> sample_servers(const std::vector<int>& pids) {
  if (pids.empty()) return std::nullopt;
  ServerSample s;
  for (int pid : pids) {
    const auto one = ProcStats::sample(pid);
    if (!one) return std::nullopt;
    s.total.cpu_s += one->cpu_s;
    s.total.rss_bytes += one->rss_bytes;
    s.total.hwm_bytes += one->hwm_bytes;
    s.total.threads += one->threads;
    s.each.push_back(*one);
  }
  return s;
}

}  // namespace parley::bench
