#pragma once
// REST setup before a run, spread over several keep-alive connections: accounts (argon2 makes
// each registration cost tens of milliseconds of server CPU) and rooms.

#include <cstdint>
#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "config/options.hpp"

namespace parley::bench {

// Registers (or logs in) `count` users named PREFIX_u<i>.
std::vector<Account> create_accounts(const Options& o, std::size_t count);
// Creates (or finds) rooms named PREFIX-<tag>-<i>, owned by `owner`.
std::vector<std::int64_t> create_rooms(const Options& o, const Account& owner,
                                       const std::string& tag, std::size_t count);

}  // namespace parley::bench
