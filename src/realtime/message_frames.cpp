#include "realtime/message_frames.hpp"

#include "common/clock.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"
#include "realtime/write_path.hpp"

namespace parley::realtime {
namespace {

constexpr std::uint16_t kClosePolicy = 1008;

std::int64_t monotonic_ms() {
  return monotonic_us() / 1000;
}

}  // namespace

MessageFrames::MessageFrames(SessionContext& ctx)
    : ctx_(ctx),
      send_limiter_(ctx.services.settings.rate_limits),
      change_limiter_(ctx.services.settings.change_limits) {}

bool MessageFrames::allowed(const std::optional<std::string>& ref, RateLimiter& limiter,
                            bool may_close) {
  switch (limiter.on_send(monotonic_ms())) {
    case RateLimiter::Verdict::allowed:
      return true;
    case RateLimiter::Verdict::refused:
      obs::metrics().rate_limited.add();
      ctx_.send_error(ref, ErrorCode::rate_limited, "too many messages; slow down");
      return false;
    case RateLimiter::Verdict::abusive:
      obs::metrics().rate_limited.add();
      if (!may_close) {
        ctx_.send_error(ref, ErrorCode::rate_limited, "too many changes; slow down");
        return false;
      }
      obs::metrics().rate_limit_closes.add();
      obs::log_info("closing abusive connection", {obs::field("user_id", ctx_.user.id)});
      ctx_.send_error(ref, ErrorCode::rate_limited, "too many refused messages; closing");
      ctx_.close_connection(kClosePolicy, "rate limit exceeded");
      return false;
  }
  return false;
}

void MessageFrames::write(const std::optional<std::string>& ref, store::Write write,
                          std::int64_t room_id, std::int64_t message_id, Reply reply) {
  Writer writer{ctx_.user.id, ctx_.user.username, ctx_.subscriber()};
  submit_write(
      ctx_.services, std::move(write), std::move(writer),
      [send = ctx_.replier(), ref, room_id, message_id, reply](const store::WriteResult* result) {
        // On the writer thread: the reply text is made here, sent on the connection's.
        std::string text;
        if (auto error = write_error(result, room_id, message_id))
          text = protocol::error_frame(ref, error->code, error->message);
        else if (reply == Reply::ack)
          text = protocol::ack_frame(ref, result->message);
        else
          text = protocol::updated_frame(ref, result->message);
        send(std::move(text));
      });
}

void MessageFrames::on_send(const std::optional<std::string>& ref, protocol::SendFrame frame) {
  if (!allowed(ref, send_limiter_, true)) return;
  store::NewMessage message;
  message.room_id = frame.room;
  message.user_id = ctx_.user.id;
  message.body = std::move(frame.body);
  message.client_id = std::move(frame.client_id);
  message.meta_json = std::move(frame.meta_json);
  message.reply_to = frame.reply_to;
  message.attachments = std::move(frame.attachments);
  write(ref, std::move(message), frame.room, 0, Reply::ack);
}

void MessageFrames::on_edit(const std::optional<std::string>& ref, protocol::EditFrame frame) {
  if (!allowed(ref, change_limiter_, false)) return;
  store::EditMessage edit;
  edit.room_id = frame.room;
  edit.message_id = frame.id;
  edit.user_id = ctx_.user.id;
  edit.body = std::move(frame.body);
  edit.replace_meta = frame.replace_meta;
  edit.meta_json = std::move(frame.meta_json);
  write(ref, std::move(edit), frame.room, frame.id, Reply::updated);
}

void MessageFrames::on_delete(const std::optional<std::string>& ref,
                              const protocol::DeleteFrame& frame) {
  if (!allowed(ref, change_limiter_, false)) return;
  write(ref, store::DeleteMessage{frame.room, frame.id, ctx_.user.id}, frame.room, frame.id,
        Reply::updated);
}

void MessageFrames::on_react(const std::optional<std::string>& ref, protocol::ReactFrame frame) {
  if (!allowed(ref, change_limiter_, false)) return;
  store::ReactMessage react{frame.room, frame.id, ctx_.user.id, std::move(frame.emoji), frame.on};
  write(ref, std::move(react), frame.room, frame.id, Reply::updated);
}

}  // namespace parley::realtime
