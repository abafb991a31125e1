#include "realtime/message_sender.hpp"

#include "common/clock.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {

void send_message(Services& services, store::NewMessage message,
                  std::function<void(const SendOutcome&)> done) {
  Hub& hub = services.hub;
  auto callback = [&hub, done](const store::AppendResult* result) {
    SendOutcome outcome;
    if (result == nullptr) {
      done(outcome);
      return;
    }
    switch (result->status) {
      case store::AppendStatus::stored:
        outcome.status = SendOutcome::Status::stored;
        hub.publish_to_room(
            Delivery::message(result->message.room_id, result->message.id, monotonic_us(),
                              net::make_text_frame(protocol::message_frame(result->message))));
        break;
      case store::AppendStatus::duplicate:
        outcome.status = SendOutcome::Status::duplicate;
        break;
      case store::AppendStatus::not_member_public:
        outcome.status = SendOutcome::Status::forbidden;
        break;
      case store::AppendStatus::room_not_found:
      case store::AppendStatus::not_member_private:
        outcome.status = SendOutcome::Status::not_found;
        break;
    }
    outcome.message = &result->message;
    done(outcome);
  };
  if (!services.writer.submit(std::move(message), std::move(callback))) done(SendOutcome{});
}

}  // namespace parley::realtime
