#include "scenarios/scenario_setup.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace parley::bench {
namespace {

// Runs fn(api, i) for i in [0, count) on up to `threads` threads, each with its own client;
// rethrows the first failure.
template <typename Fn>
void parallel_for(const Options& o, std::size_t count, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex m;
  std::vector<std::thread> threads;
  const std::size_t n = std::max<std::size_t>(1, std::min(o.setup_concurrency, count));
  for (std::size_t t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      ApiClient api(o.host, o.port);
      for (std::size_t i = next++; i < count; i = next++) {
        try {
          fn(api, i);
        } catch (...) {
          std::lock_guard lock(m);
          if (!failure) failure = std::current_exception();
          next = count;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

std::vector<Account> create_accounts(const Options& o, std::size_t count) {
  std::vector<Account> accounts(count);
  parallel_for(o, count, [&](ApiClient& api, std::size_t i) {
    accounts[i] = api.register_or_login(o.prefix + "_u" + std::to_string(i), o.password);
  });
  return accounts;
}

std::vector<std::int64_t> create_rooms(const Options& o, const Account& owner,
                                       const std::string& tag, std::size_t count) {
  std::vector<std::int64_t> ids(count, 0);
  // One listing first, so that a rerun finds its rooms without a 409 per room.
  ApiClient lister(o.host, o.port);
  const auto existing = lister.list_rooms(owner.token);
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < count; ++i) {
    std::string name = o.prefix + "-" + tag + "-" + std::to_string(i);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto it = existing.find(name); it != existing.end()) {
      ids[i] = it->second;
    } else {
      missing.push_back(i);
    }
  }
  parallel_for(o, missing.size(), [&](ApiClient& api, std::size_t k) {
    const std::size_t i = missing[k];
    bool created = false;
    ids[i] = api.create_or_find_room(o.prefix + "-" + tag + "-" + std::to_string(i), owner.token,
                                     created);
  });
  return ids;
}

}  // namespace parley::bench
