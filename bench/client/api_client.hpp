#pragma once
// The REST calls of the wire contract that the bench needs, over one HttpClient; a call the
// server refuses throws BenchError.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "client/bench_error.hpp"
#include "client/http_client.hpp"

namespace parley::bench {

struct Account {
  std::int64_t id = 0;
  std::string username;
  std::string role;
  std::string token;
};

class ApiClient {
 public:
  ApiClient(std::string host, std::uint16_t port) : http_(std::move(host), port) {}

  // Registers the user, or logs in when the name is taken (409); waits out 429s.
  Account register_or_login(const std::string& username, const std::string& password);
  // The room's id: created when missing, found by name (case-insensitively) otherwise.
  // `created` tells which.
  std::int64_t create_or_find_room(const std::string& name, const std::string& token,
                                   bool& created);
  // Every room the caller can see, name → id.
  std::map<std::string, std::int64_t> list_rooms(const std::string& token);
  void join_room(std::int64_t room, const std::string& token);
  // Ids of the newest and oldest message, or nullopt for an empty room.
  std::optional<std::pair<std::int64_t, std::int64_t>> message_id_range(std::int64_t room,
                                                                        const std::string& token);

  HttpClient& http() noexcept { return http_; }

 private:
  HttpResponse checked(std::string_view method, const std::string& target, const std::string& body,
                       const std::string& bearer);

  HttpClient http_;
};

}  // namespace parley::bench
