#include "realtime/publish.hpp"

#include "protocol/encode.hpp"

namespace parley::realtime {

net::SharedFrame notification_frame(const PublishRequest& request, std::int64_t now_ms) {
  return net::make_text_frame(
      protocol::notification_frame(request.event, request.data_json, now_ms));
}

std::size_t publish(Hub& hub, const PublishRequest& request, std::int64_t now_ms) {
  auto frame = notification_frame(request, now_ms);
  switch (request.target) {
    case PublishRequest::Target::room:
      return hub.publish_notification_to_room(request.room_id, std::move(frame));
    case PublishRequest::Target::users:
      return hub.publish_to_users(request.user_ids, std::move(frame));
    case PublishRequest::Target::role:
      return hub.publish_to_role(request.role, std::move(frame));
  }
  return 0;
}

void publish_locally(Hub& hub, const PublishRequest& request, std::int64_t now_ms) {
  RemoteEvent event;
  switch (request.target) {
    case PublishRequest::Target::room:
      event.target = RemoteEvent::Target::room;
      break;
    case PublishRequest::Target::users:
      event.target = RemoteEvent::Target::users;
      event.user_ids = request.user_ids;
      break;
    case PublishRequest::Target::role:
      event.target = RemoteEvent::Target::role;
      event.role = request.role;
      break;
  }
  event.delivery = Delivery::notification(request.room_id, notification_frame(request, now_ms));
  // The same path as an event from another instance: this instance's connections, no relay.
  hub.apply_remote(event);
}

}  // namespace parley::realtime
