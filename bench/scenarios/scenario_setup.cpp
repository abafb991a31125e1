#include "scenarios/scenario_setup.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <mutex>
#include <thread>

namespace parley::bench {
namespace {

// Runs fn(api, i) for i in [0, count) on up to --setup-concurrency threads, each with its own
// client; rethrows the first failure.
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

std::vector<Account> create_accounts(const Options& o, std::size_t count) {
  std::vector<Account> accounts(count);
  parallel_for(o, count, [&](ApiClient& api, std::size_t i) {
    accounts[i] = api.register_or_login(o.prefix + "_u" + std::to_string(i), o.password);
  });
  return accounts;
}

std::string room_name(const Options& o, const std::string& tag, std::size_t i) {
  return o.prefix + "-" + tag + "-" + std::to_string(i);
}

}  // namespace

ScenarioSetup ScenarioSetup::create(const Options& o, std::size_t connections,
                                    const std::string& room_tag, std::size_t rooms) {
  ScenarioSetup s;
  s.accounts = create_accounts(o, std::max<std::size_t>(1, std::min(o.users, connections)));
  if (rooms == 0) return s;
  s.rooms.assign(rooms, 0);
  // One listing first, so that a rerun finds its rooms without a 409 per room.
  const std::string& owner = s.accounts.front().token;
  const auto existing = ApiClient(o.host, o.port).list_rooms(owner);
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < rooms; ++i) {
    std::string name = room_name(o, room_tag, i);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto it = existing.find(name); it != existing.end()) {
      s.rooms[i] = it->second;
    } else {
      missing.push_back(i);
    }
  }
  std::atomic<std::size_t> created_count{0};
  parallel_for(o, missing.size(), [&](ApiClient& api, std::size_t k) {
    const std::size_t i = missing[k];
    bool created = false;
    s.rooms[i] = api.create_or_find_room(room_name(o, room_tag, i), owner, created);
    if (created) ++created_count;
  });
  s.rooms_created = created_count;
  return s;
}

}  // namespace parley::bench
