// parley-bench: flags → one scenario (or the smoke set) → tables on stdout and one JSON line.

#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "client/client_tls.hpp"
#include "config/options.hpp"
#include "driver/runner.hpp"
#include "measure/proc_stats.hpp"

namespace bench = parley::bench;
namespace json = boost::json;

namespace {

// A few seconds of each main scenario at tiny sizes, for the test command; `cluster --smoke`
// runs the cluster scenario alone (it needs several instances, which the others do not).
int run_smoke(const bench::Options& base) {
  json::array results;
  bool all_clean = true;
  const std::vector<std::string> names =
      base.scenario == "cluster"
          ? std::vector<std::string>{"cluster"}
          : std::vector<std::string>{"fanout",  "rooms",   "conversation", "idle",  "history",
                                     "connect", "publish", "roomlist",     "search"};
  for (const auto& name : names) {
    bench::Options o = base;
    o.scenario = name;
    o.duration_s = std::min(o.duration_s, 2.0);
    // Two worker processes in fanout also exercise the pipe aggregation.
    if (o.scenario == "fanout") o.processes = 2;
    bench::apply_scenario_defaults(o);
    bool clean = false;
    json::object r;
    try {
      r = bench::Runner(o).run(clean);
    } catch (const std::exception& e) {
      std::cout << "== " << name << " == FAILED: " << e.what() << "\n";
      r = json::object{{"scenario", name}, {"failure", e.what()}};
      clean = false;
    }
    const bool moved = o.scenario == "idle" || o.scenario == "connect" || o.scenario == "history" ||
                       o.scenario == "search" || o.scenario == "roomlist";
    // A scenario that moved nothing is not a pass either.
    if (clean && !moved && r.contains("delivered") && r.at("delivered").to_number<double>() == 0)
      clean = false;
    r["clean"] = clean;
    all_clean = all_clean && clean;
    results.push_back(std::move(r));
  }
  std::cout << "smoke: " << (all_clean ? "ok" : "FAILED") << "\n";
  std::cout << json::serialize(json::object{{"smoke", std::move(results)}, {"ok", all_clean}})
            << std::endl;
  return all_clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  bench::Options o = bench::parse_options(argc, argv);
  const auto fds = bench::ProcStats::raise_fd_limit();
  std::cerr << "parley-bench: file descriptor limit " << fds << "\n";
  try {
    if (o.tls) bench::enable_client_tls(o.tls_ca);
    if (o.smoke) return run_smoke(o);
    bench::apply_scenario_defaults(o);
    bool clean = false;
    const json::object r = bench::Runner(o).run(clean);
    std::cout << json::serialize(r) << std::endl;
    return clean ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "parley-bench: " << e.what() << "\n";
    return 2;
  }
}
