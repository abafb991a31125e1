#include "realtime/session_context.hpp"

#include "observability/metrics.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {

void SessionContext::open(std::shared_ptr<net::WsConnection> connection, std::weak_ptr<void> alive,
                          Subscriber* subscriber) {
  connection_ = std::move(connection);
  thread = connection_->thread_index();
  alive_ = std::move(alive);
  subscriber_ = subscriber;
}

void SessionContext::close() {
  closed_ = true;
  connection_.reset();
}

net::SendResult SessionContext::send_frame(net::SharedFrame frame) {
  if (!connection_ || closed_) return net::SendResult::closing;
  return connection_->send(std::move(frame));
}

void SessionContext::send_text(std::string_view text) {
  (void)send_frame(net::make_text_frame(text));
}

void SessionContext::send_error(const std::optional<std::string>& ref, ErrorCode code,
                                std::string_view message) {
  obs::metrics().count_error(code, message);
  send_text(protocol::error_frame(ref, code, message));
}

SessionContext::Replier SessionContext::replier() {
  return [alive = alive_, self = this, &hub = services.hub, thread = thread](std::string text) {
    hub.post(thread, [alive, self, text = std::move(text)] {
      auto lock = alive.lock();
      if (lock && !self->closed_) self->send_text(text);
    });
  };
}

void SessionContext::post_after(std::chrono::milliseconds delay, std::function<void()> fn) {
  if (!connection_) return;
  connection_->after(delay, [alive = alive_, self = this, fn = std::move(fn)] {
    auto lock = alive.lock();
    if (lock && !self->closed_) fn();
  });
}

void SessionContext::close_connection(std::uint16_t code, std::string_view reason) {
  if (connection_) connection_->close(code, reason);
}

}  // namespace parley::realtime
