#pragma once
// The one path every write takes, from a WebSocket frame or a REST call: the group-commit writer
// stores it; on commit, on the writer thread and so in position order, its events are encoded once
// and fanned out (the room's `message` / `message_updated`, `mention` to the users newly named,
// `read_state` to the user's other connections, a throttled `receipt`), then the caller's `done`.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/error_code.hpp"
#include "realtime/services.hpp"
#include "store/records.hpp"

namespace parley::realtime {

// Who writes: the user, and the connection that gets the outcome as a direct reply (nullptr over
// REST), which is left out of the events it would otherwise receive twice.
struct Writer {
  std::int64_t user_id = 0;
  std::string username;
  const void* connection = nullptr;
};

// `done` runs on the writer thread after the commit and after the events were posted, with the
// write's result (valid only during the call), or nullptr when it was not stored (the writer is
// full or the store unavailable; done may then run at once on the caller's thread). It must not
// block.
void submit_write(Services& services, store::Write write, Writer writer,
                  std::function<void(const store::WriteResult* result)> done);

// Sends a `receipt` (the member's read position) to the room's subscribers.
void publish_receipt(Hub& hub, std::int64_t room_id, std::int64_t user_id,
                     const std::string& username, std::int64_t last_read);

// The contract's error for a write that did not succeed (nullptr: not stored), or nullopt when
// it did (stored, duplicate, changed, unchanged). `message_id`: the message the write named.
struct WriteError {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};
std::optional<WriteError> write_error(const store::WriteResult* result, std::int64_t room_id,
                                      std::int64_t message_id = 0);

}  // namespace parley::realtime
