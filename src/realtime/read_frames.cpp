#include "realtime/read_frames.hpp"

#include "common/clock.hpp"
#include "protocol/encode.hpp"
#include "realtime/write_path.hpp"

namespace parley::realtime {

ReadFrames::ReadFrames(SessionContext& ctx)
    : ctx_(ctx), limiter_(ctx.services.settings.read_limits) {}

void ReadFrames::on_read(const std::optional<std::string>& ref, const protocol::ReadFrame& frame) {
  if (limiter_.on_send(monotonic_us() / 1000) != RateLimiter::Verdict::allowed) {
    ctx_.send_error(ref, ErrorCode::rate_limited, "too many read positions; slow down");
    return;
  }
  const std::int64_t room_id = frame.room;
  submit_write(ctx_.services, store::MarkRead{room_id, ctx_.user.id, frame.up_to},
               Writer{ctx_.user.id, ctx_.user.username, ctx_.subscriber()},
               [send = ctx_.replier(), ref, room_id](const store::WriteResult* result) {
                 std::string text;
                 if (auto error = write_error(result, room_id))
                   text = protocol::error_frame(ref, error->code, error->message);
                 else
                   text = protocol::read_state_frame(ref, result->read);
                 send(std::move(text));
               });
}

}  // namespace parley::realtime
