#include "scenarios/rest_callers.hpp"

#include <mutex>
#include <thread>
#include <vector>

namespace parley::bench {

Result run_rest_callers(const Options& o, std::size_t callers,
                        const std::function<void(std::size_t, ApiClient&, Result&)>& calls) {
  std::mutex m;
  Result total;
  std::vector<std::thread> threads;
  for (std::size_t caller = 0; caller < callers; ++caller) {
    threads.emplace_back([&, caller] {
      Result mine;
      const ServerAddress& server = o.servers[caller % o.servers.size()];
      ApiClient api(server.host, server.port);
      calls(caller, api, mine);
      std::lock_guard lock(m);
      total.merge(mine);
    });
  }
  for (auto& t : threads) t.join();
  return total;
}

}  // namespace parley::bench
