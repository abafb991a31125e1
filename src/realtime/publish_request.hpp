#pragma once
// A publish request (POST /api/publish, or a PostgreSQL NOTIFY with --listen-channel): one target,
// an event name and a data object, validated by the one set of rules the contract gives.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "realtime/hub.hpp"

namespace parley::realtime {

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

// The notification frame of `request`, stamped `now_ms`.
net::SharedFrame notification_frame(const PublishRequest& request, std::int64_t now_ms);

// Delivers through the hub (and so to the other instances of a cluster); returns the `delivered`
// count of the publish API.
std::size_t publish(Hub& hub, const PublishRequest& request, std::int64_t now_ms);

// Delivers to this instance's connections only (each instance of a cluster does the same with
// its own copy of a NOTIFY).
void publish_locally(Hub& hub, const PublishRequest& request, std::int64_t now_ms);

}  // namespace parley::realtime
