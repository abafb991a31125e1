#pragma once
// Renders a Result as the human table and as the JSON object of the final line.

#include <boost/json/object.hpp>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "measure/result.hpp"

namespace parley::bench {

// One server process of several (a cluster's instances), during a phase.
struct ServerProcessFigures {
  int pid = 0;
  double cpu_s = 0;
  std::uint64_t rss_end = 0;
};

// The server side of a phase, from /proc when --server-pid was given; summed over the processes
// when several were.
struct ServerFigures {
  bool known = false;
  double cpu_s = 0;                             // during the phase
  std::uint64_t rss_empty = 0;                  // before the scenario's connections opened
  std::uint64_t rss_connected = 0;              // once they were open
  std::uint64_t rss_end = 0;                    // at the end of the phase
  std::uint64_t hwm = 0;                        // peak RSS so far
  std::vector<ServerProcessFigures> processes;  // each --server-pid, when there are several
};

class Report {
 public:
  static void print_table(std::ostream& out, const std::string& title, const Result& r,
                          const ServerFigures& server);
  static boost::json::object to_json(const Result& r, const ServerFigures& server);
  // The phase second by second (by when messages were sent): deliveries, how many took longer
  // than `bound_ms`, the slowest.
  static void print_timeline(std::ostream& out, const Result& r, double bound_ms);
  // Whether a run is clean: nothing lost, duplicated or reordered, no errors or failures.
  static bool clean(const Result& r);
};

}  // namespace parley::bench
