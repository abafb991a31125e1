#include "measure/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace parley::bench {

std::optional<ProcSample> ProcStats::sample(int pid) {
  if (pid <= 0) return std::nullopt;
  const std::string base = "/proc/" + std::to_string(pid);
  std::ifstream stat(base + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line)) return std::nullopt;
  // The command name may hold spaces and parentheses: fields resume after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  ProcSample s;
  unsigned long long utime = 0, stime = 0;
  // After ')' the fields are numbered from 3 (state); utime is 14, stime 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status(base + "/status");
  while (std::getline(status, line)) {
    auto kib = [&](const char* key) -> std::uint64_t {
      return std::stoull(line.substr(std::string(key).size())) * 1024;
    };
    if (line.rfind("VmRSS:", 0) == 0) s.rss_bytes = kib("VmRSS:");
    if (line.rfind("VmHWM:", 0) == 0) s.hwm_bytes = kib("VmHWM:");
    if (line.rfind("Threads:", 0) == 0) s.threads = std::stoull(line.substr(8));
  }
  return s;
}

double ProcStats::self_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

std::uint64_t ProcStats::raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return static_cast<std::uint64_t>(lim.rlim_cur);
}

}  // namespace parley::bench
