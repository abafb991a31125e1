#pragma once
// The process's own figures in the Prometheus client conventions (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, ...), read from /proc when scraped.

#include <string>

namespace parley::obs {

void append_process_metrics(std::string& out);

}  // namespace parley::obs
