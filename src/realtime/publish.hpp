#pragma once
// Delivering a validated publish request (protocol/publish_request.hpp): through the hub, or to
// this instance's connections only.

#include <cstdint>

#include "protocol/publish_request.hpp"
#include "realtime/hub.hpp"

namespace parley::realtime {

using protocol::PublishRequest;

// The notification frame of `request`, stamped `now_ms`.
net::SharedFrame notification_frame(const PublishRequest& request, std::int64_t now_ms);

// Delivers through the hub (and so to the other instances of a cluster); returns the `delivered`
// count of the publish API.
std::size_t publish(Hub& hub, const PublishRequest& request, std::int64_t now_ms);

// Delivers to this instance's connections only (each instance of a cluster does the same with
// its own copy of a NOTIFY).
void publish_locally(Hub& hub, const PublishRequest& request, std::int64_t now_ms);

}  // namespace parley::realtime
