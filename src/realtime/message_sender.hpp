#pragma once
// The one path every chat message takes, from a WebSocket `send` or a REST post: durable store
// (group commit), then fanout to the room encoded once, then the caller's acknowledgement.

#include <functional>

#include "domain/message.hpp"
#include "realtime/services.hpp"
#include "store/records.hpp"

namespace parley::realtime {

struct SendOutcome {
  enum class Status { stored, duplicate, forbidden, not_found, unavailable };
  Status status = Status::unavailable;
  // stored / duplicate: the message, valid only during the `done` call.
  const domain::Message* message = nullptr;
};

// `done` runs on the writer thread after the commit and after the fanout was posted (or on the
// caller's thread at once when the writer refuses the message). It must not block.
void send_message(Services& services, store::NewMessage message,
                  std::function<void(const SendOutcome&)> done);

}  // namespace parley::realtime
