#include "observability/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "observability/exposition_text.hpp"

namespace parley::obs {
namespace {

// Taken when the library is loaded, i.e. at process start.
const double kStartTimeSeconds =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

double cpu_seconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// /proc/self/statm: total and resident pages.
bool memory_bytes(std::uint64_t& virtual_bytes, std::uint64_t& resident_bytes) {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return false;
  unsigned long long size = 0, resident = 0;
  const bool ok = std::fscanf(f, "%llu %llu", &size, &resident) == 2;
  std::fclose(f);
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  virtual_bytes = size * page;
  resident_bytes = resident * page;
  return ok;
}

std::uint64_t open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::uint64_t n = 0;
  while (const dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++n;
  closedir(dir);
  return n > 0 ? n - 1 : 0;  // less the descriptor of the listing itself
}

}  // namespace

void append_process_metrics(std::string& out) {
  append_family(out, "process_cpu_seconds_total", "counter",
                "User and system CPU time spent, in seconds.");
  append_sample(out, "process_cpu_seconds_total", cpu_seconds());
  std::uint64_t virtual_bytes = 0, resident_bytes = 0;
  if (memory_bytes(virtual_bytes, resident_bytes)) {
    append_family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    append_sample(out, "process_resident_memory_bytes", resident_bytes);
    append_family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    append_sample(out, "process_virtual_memory_bytes", virtual_bytes);
  }
  append_family(out, "process_open_fds", "gauge", "Open file descriptors.");
  append_sample(out, "process_open_fds", open_fds());
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    append_family(out, "process_max_fds", "gauge", "Limit of open file descriptors.");
    append_sample(out, "process_max_fds", static_cast<std::uint64_t>(limit.rlim_cur));
  }
  append_family(out, "process_start_time_seconds", "gauge",
                "Start time of the process since the Unix epoch, in seconds.");
  append_sample(out, "process_start_time_seconds", kStartTimeSeconds);
}

}  // namespace parley::obs
