#pragma once
// Who is connected and who is in which room, across every network thread and connection. Counts
// connections so that presence changes only on a user's first and last connection. Thread-safe:
// one mutex, held only for map updates (never while sending).

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/user.hpp"

namespace parley::realtime {

class Presence {
 public:
  // A connection authenticated / closed. Counts toward users_online.
  void connect(const domain::User& user);
  void disconnect(std::int64_t user_id);
  void change_role(std::int64_t user_id, const std::string& role);

  // true when this is the user's first connection subscribed to the room.
  bool join(std::int64_t room_id, const domain::User& user);
  // true when that was the user's last connection subscribed to the room.
  bool leave(std::int64_t room_id, std::int64_t user_id);
  void drop_room(std::int64_t room_id);

  std::vector<domain::User> online_in(std::int64_t room_id) const;
  bool is_connected(std::int64_t user_id) const;
  std::size_t connections_of(std::int64_t user_id) const;
  std::size_t connections_with_role(const std::string& role) const;
  std::size_t connections_in(std::int64_t room_id) const;
  std::size_t users_online() const;
  std::size_t rooms_active() const;
  // The rooms with at least one subscribed connection.
  std::vector<std::int64_t> active_rooms() const;

 private:
  struct Connected {
    domain::User user;
    std::size_t connections = 0;
  };
  struct InRoom {
    domain::User user;
    std::size_t connections = 0;
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, Connected> users_;
  std::unordered_map<std::int64_t, std::map<std::int64_t, InRoom>> rooms_;
};

}  // namespace parley::realtime
