#pragma once
// What one WebSocket client's frame handlers share: the user, the connection and its thread, the
// rooms it subscribes to, the services, and the way back to the connection's thread after
// blocking work. Owned by its ChatSession and used on the connection's thread only.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error_code.hpp"
#include "domain/user.hpp"
#include "net/ws_connection.hpp"
#include "realtime/room_subscriptions.hpp"
#include "realtime/services.hpp"
#include "realtime/subscriber.hpp"

namespace parley::realtime {

class SessionContext {
 public:
  explicit SessionContext(Services& services) : services(services) {}
  SessionContext(const SessionContext&) = delete;
  SessionContext& operator=(const SessionContext&) = delete;

  // Set once the connection is open: `alive` expires with the session, `subscriber` is its
  // identity in the hub (what an event leaves out when this connection gets a reply instead).
  void open(std::shared_ptr<net::WsConnection> connection, std::weak_ptr<void> alive,
            Subscriber* subscriber);
  void close();
  bool closed() const noexcept { return closed_; }
  Subscriber* subscriber() const noexcept { return subscriber_; }
  // The open connection, or null once closed.
  const net::WsConnection* connection() const noexcept { return connection_.get(); }

  void send_text(std::string_view text);
  // Whether the frame was queued (see net::SendResult); a closed session queues nothing.
  net::SendResult send_frame(net::SharedFrame frame);
  void send_error(const std::optional<std::string>& ref, ErrorCode code, std::string_view message);
  void close_connection(std::uint16_t code, std::string_view reason);

  // Runs `work` on the worker pool, then `then(result)` on this connection's thread if the
  // session is still open. A full pool answers `unavailable` to the frame `ref` names and returns
  // false, so that the caller undoes what it started.
  template <typename Work, typename Then>
  bool off_thread(const std::optional<std::string>& ref, Work work, Then then);

  // A way to send text to this connection from any thread, later (e.g. a reply made on the
  // message writer's thread); a no-op once the session is gone. Made on the connection's thread.
  using Replier = std::function<void(std::string text)>;
  Replier replier();
  // Runs `fn` on this connection's thread after `delay`, unless the connection closed by then.
  void post_after(std::chrono::milliseconds delay, std::function<void()> fn);

  Services& services;
  domain::User user;
  std::size_t thread = 0;
  RoomSubscriptions rooms;

 private:
  std::shared_ptr<net::WsConnection> connection_;
  std::weak_ptr<void> alive_;
  Subscriber* subscriber_ = nullptr;
  bool closed_ = false;
};

template <typename Work, typename Then>
bool SessionContext::off_thread(const std::optional<std::string>& ref, Work work, Then then) {
  // Off this thread only copies are touched; `self` is used back on it, once `alive` locks (the
  // context lives as long as its session).
  bool accepted =
      services.workers.submit([alive = alive_, self = this, &hub = services.hub, thread = thread,
                               work = std::move(work), then = std::move(then)]() mutable {
        if (alive.expired()) return;
        auto result = work();
        hub.post(thread, [alive = std::move(alive), self, then = std::move(then),
                          result = std::move(result)]() mutable {
          auto lock = alive.lock();
          if (lock && !self->closed_) then(std::move(result));
        });
      });
  if (!accepted) send_error(ref, ErrorCode::unavailable, "server is busy, try again");
  return accepted;
}

}  // namespace parley::realtime
