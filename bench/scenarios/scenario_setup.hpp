#pragma once
// The accounts and rooms a scenario runs with, created over REST in its prepare() (or found, on a
// rerun): accounts PREFIX_u<i> and rooms PREFIX-<tag>-<i>, owned by the first account. The calls
// are spread over several keep-alive connections: argon2 makes each registration cost tens of
// milliseconds of server CPU.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "config/options.hpp"

namespace parley::bench {

struct ScenarioSetup {
  std::vector<Account> accounts;
  std::vector<std::int64_t> rooms;  // ids, by the <i> of their names
  std::size_t rooms_created = 0;    // by this run; the others were found from an earlier one

  // One account per connection, at most --users of them and at least one, then `rooms` rooms.
  static ScenarioSetup create(const Options& o, std::size_t connections,
                              const std::string& room_tag, std::size_t rooms);

  // The token connection `i` authenticates with: connections share the accounts round-robin.
  const std::string& token_of(std::size_t connection) const {
    return accounts[connection % accounts.size()].token;
  }
};

}  // namespace parley::bench
