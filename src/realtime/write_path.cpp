#include "realtime/write_path.hpp"

#include "common/clock.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {

namespace {

using store::WriteResult;
using store::WriteStatus;

// Receipts are for rooms small enough that everyone sees who read what.
constexpr std::int64_t kMaxReceiptRoom = 100;

void publish_room_event(Hub& hub, const domain::Message& m, bool created) {
  auto frame = net::make_text_frame(created ? protocol::message_frame(m)
                                            : protocol::message_updated_frame(m));
  hub.publish_to_room(Delivery::room_event(m.room_id, m.position(), created ? monotonic_us() : 0,
                                           std::move(frame)));
}

void publish_mentions(Hub& hub, const WriteResult& result) {
  if (result.new_mentions.empty()) return;
  hub.publish_to_users(result.new_mentions,
                       net::make_text_frame(protocol::mention_frame(result.message)));
}

void publish(Services& services, const store::Write& write, const Writer& writer,
             const WriteResult& result) {
  Hub& hub = services.hub;
  if (std::holds_alternative<store::MarkRead>(write)) {
    if (result.status != WriteStatus::changed) return;
    hub.publish_to_users(
        {writer.user_id},
        net::make_text_frame(protocol::read_state_frame(std::nullopt, result.read)),
        writer.connection);
    if (services.receipts != nullptr && result.member_count <= kMaxReceiptRoom)
      services.receipts->moved(result.read.room_id, writer.user_id, writer.username,
                               result.read.last_read);
    return;
  }
  if (result.status == WriteStatus::stored) {
    publish_room_event(hub, result.message, true);
    if (result.parent) publish_room_event(hub, *result.parent, false);
    publish_mentions(hub, result);
  } else if (result.status == WriteStatus::changed) {
    publish_room_event(hub, result.message, false);
    publish_mentions(hub, result);
  }
}

}  // namespace

void submit_write(Services& services, store::Write write, Writer writer,
                  std::function<void(const WriteResult* result)> done) {
  if (std::holds_alternative<store::NewMessage>(write)) obs::metrics().messages_received.add();
  // The write travels to the writer and is needed again, unchanged, by its callback.
  auto kept = std::make_shared<store::Write>(write);
  auto callback = [&services, kept, writer = std::move(writer), done](const WriteResult* result) {
    if (result != nullptr) publish(services, *kept, writer, *result);
    done(result);
  };
  if (!services.writer.submit(std::move(write), std::move(callback))) done(nullptr);
}

void publish_receipt(Hub& hub, std::int64_t room_id, std::int64_t user_id,
                     const std::string& username, std::int64_t last_read) {
  hub.publish_to_room(Delivery::receipt(room_id, net::make_text_frame(protocol::receipt_frame(
                                                     room_id, user_id, username, last_read))));
}

std::optional<WriteError> write_error(const WriteResult* result, std::int64_t room_id,
                                      std::int64_t message_id) {
  if (result == nullptr) return WriteError{ErrorCode::unavailable, "not stored; try again"};
  const std::string room = "room " + std::to_string(room_id);
  switch (result->status) {
    case WriteStatus::stored:
    case WriteStatus::duplicate:
    case WriteStatus::changed:
    case WriteStatus::unchanged:
      return std::nullopt;
    case WriteStatus::room_not_found:
    case WriteStatus::not_member_private:
      return WriteError{ErrorCode::not_found, "no " + room};
    case WriteStatus::not_member_public:
      return WriteError{ErrorCode::forbidden, "not a member of " + room};
    case WriteStatus::message_not_found:
      return WriteError{ErrorCode::not_found,
                        "no message " + std::to_string(message_id) + " in " + room};
    case WriteStatus::forbidden:
      return WriteError{ErrorCode::forbidden, result->detail};
    case WriteStatus::conflict:
      return WriteError{ErrorCode::conflict, result->detail};
    case WriteStatus::invalid:
      return WriteError{ErrorCode::bad_request, result->detail};
  }
  return WriteError{ErrorCode::internal, "unexpected write status"};
}

}  // namespace parley::realtime
