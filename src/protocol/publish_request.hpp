#pragma once
// A publish request (POST /api/publish, or a PostgreSQL NOTIFY with --listen-channel): one target,
// an event name and a data object, validated by the one set of rules the contract gives.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace parley::protocol {

struct PublishRequest {
  enum class Target { room, users, role };
  Target target = Target::users;
  std::int64_t room_id = 0;            // room
  std::vector<std::int64_t> user_ids;  // users (a "user" target is a list of one), sorted, unique
  std::string role;                    // role
  std::string event;
  std::string data_json = "{}";  // a serialised JSON object, at most 64 KiB
};

// The request, or the message of a `bad_request` saying what is wrong with `body`.
std::variant<PublishRequest, std::string> parse_publish_request(const boost::json::object& body);

}  // namespace parley::protocol
