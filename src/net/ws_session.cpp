// WsSession: one WebSocket connection over a raw (or TLS) socket, with Parley's own frame codec.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <span>
#include <vector>

#include "net/detail/frame_buffers.hpp"
#include "net/detail/server_state.hpp"
#include "net/detail/ws_session.hpp"
#include "net/ping_schedule.hpp"
#include "net/ws_frame_parser.hpp"
#include "net/ws_frame_writer.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace parley::net::detail {
namespace {

using error_code = boost::system::error_code;

constexpr std::size_t kMaxFramesPerWrite = 256;
// A queue this long keeps its storage between bursts; a longer one gives it back when drained.
constexpr std::size_t kKeepQueueCapacity = 16;
// After our close frame: how long the peer has to answer it (and to read what was queued).
constexpr std::chrono::seconds kCloseTimeout{5};
// TLS: how long close_notify may wait for room in a peer's full receive window.
constexpr std::chrono::seconds kCloseNotifyTimeout{2};

// One WebSocket connection; lives on one network thread, its members touched only there.
template <class Stream>
class WsSession final : public SessionBase, public WsConnection {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  WsSession(ServerState& server, std::size_t index, Stream&& stream,
            std::shared_ptr<WsHandler> handler)
      : SessionBase(server, index),
        stream_(std::move(stream)),
        timer_(plain_socket(stream_).get_executor()),
        handler_(std::move(handler)),
        parser_(server.config.max_frame_bytes),
        id_(server.next_connection_id.fetch_add(1, std::memory_order_relaxed)) {}

  void start(std::string_view leftover);

  SendResult send(SharedFrame frame) override;
  void close(std::uint16_t code, std::string_view reason) override {
    begin_close(code, reason, false);
  }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  std::size_t thread_index() const noexcept override { return index_; }
  std::size_t queued_bytes() const noexcept override { return queued_bytes_; }
  std::uint16_t close_code() const noexcept override {
    if (close_code_ == 0) return 1006;  // no close handshake (yet)
    return close_code_;
  }

  void shutdown() override { begin_close(1001, "server shutting down", false); }
  void terminate() override {
    terminating_ = true;
    finish();
  }
  void flush() override {
    flush_posted_ = false;
    do_write();
  }

 private:
  enum class State : std::uint8_t { open, closing, closed };

  std::shared_ptr<WsSession> self() {
    return std::static_pointer_cast<WsSession>(shared_from_this());
  }
  Executor executor() { return plain_socket(stream_).get_executor(); }

  void do_read();
  void on_readable(error_code ec);
  bool consume(std::span<char> input);
  void hand_received_text(std::string_view text);

  void enqueue(SharedFrame frame);  // unchecked: the close frame, and enqueue_within_cap
  SendResult enqueue_within_cap(SharedFrame frame);
  void schedule_flush();
  void do_write();
  void write_now();
  std::size_t write_some(error_code& ec);
  void release_written(std::size_t bytes);
  void after_written();
  void on_close_written();

  void begin_close(std::uint16_t code, std::string_view reason, bool drop_unsent);
  // Brings the process's outbound-bytes gauge up to date with queued_bytes_.
  void account_queue() noexcept {
    obs::metrics().ws_outbound_bytes.add(static_cast<std::int64_t>(queued_bytes_) -
                                         static_cast<std::int64_t>(accounted_bytes_));
    accounted_bytes_ = queued_bytes_;
  }
  void arm_timer(Clock::time_point at);
  void arm_liveness();
  void on_timer(error_code ec);
  void finish();
  // Closes the socket; TLS sends close_notify first when it can (bounded wait).
  void close_transport();

  Stream stream_;
  Timer timer_;  // liveness (ping, idle) while open; the close deadline while closing
  std::shared_ptr<WsHandler> handler_;
  WsFrameParser parser_;
  // TLS: [head_, write_end_) in the record sealed but not all sent after would_block; the rest
  // waiting.
  std::vector<SharedFrame> queue_;
  std::size_t head_ = 0;
  std::size_t head_offset_ = 0;  // bytes of queue_[head_] already written (plain sockets)
  std::size_t write_end_ = 0;
  std::size_t queued_bytes_ = 0;
  std::size_t accounted_bytes_ = 0;  // what the outbound-bytes gauge holds for this connection
  std::uint16_t close_code_ = 0;     // the first close code sent or echoed (1005: none given)
  Clock::time_point last_received_;
  Clock::time_point next_ping_;
  std::uint64_t id_;
  State state_ = State::open;
  PlainStream::wait_type read_wait_ = PlainStream::wait_read;  // TLS: a read may need to write
  bool writing_ = false;
  bool flush_posted_ = false;
  bool overflow_ = false;
  bool close_queued_ = false;
  bool close_written_ = false;
  bool peer_closed_ = false;  // the peer's close frame arrived
  bool failing_ = false;      // we close for a protocol error: drain the peer until it hangs up
  bool terminating_ = false;  // the server's threads have stopped: no close_notify
};

template <class Stream>
void WsSession<Stream>::start(std::string_view leftover) {
  attach();
  server_.websockets.fetch_add(1, std::memory_order_relaxed);
  obs::metrics().ws_connections.add(1);
  obs::metrics().ws_connections_total.add();
  if constexpr (!kTls) {
    error_code ec;
    stream_.non_blocking(true, ec);
  }
  last_received_ = Clock::now();
  next_ping_ = last_received_ + first_ping_delay(server_.config.ping_interval);
  arm_liveness();
  try {
    handler_->on_open(self());
  } catch (const std::exception& e) {
    obs::log_error("websocket on_open failed", {obs::field("error", e.what())});
    begin_close(1011, "internal error", true);
  }
  if (server_.closing.load()) begin_close(1001, "server shutting down", false);
  if (!leftover.empty() && state_ != State::closed) {
    // The client may pipeline frames right behind its upgrade request.
    std::vector<char> copy(leftover.begin(), leftover.end());
    if (!consume({copy.data(), copy.size()})) return;
  }
  do_read();
}

// Wait for readability, then read into the thread's scratch buffer: an idle connection holds no
// read buffer at all (TLS included: TlsSocket keeps no record buffer between records).
template <class Stream>
void WsSession<Stream>::do_read() {
  if (state_ == State::closed) return;
  plain_socket(stream_).async_wait(read_wait_,
                                   [self = self()](error_code ec) { self->on_readable(ec); });
}

template <class Stream>
void WsSession<Stream>::on_readable(error_code ec) {
  if (state_ == State::closed) return;
  if (ec) return finish();
  last_received_ = Clock::now();
  char* buffer = scratch_buffer();
  for (int i = 0; i < 4; ++i) {  // bounded, so one busy peer cannot starve the thread
    std::size_t n = 0;
    if constexpr (kTls)
      n = stream_.read_some(buffer, kScratchBytes, ec);
    else
      n = stream_.read_some(asio::buffer(buffer, kScratchBytes), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if constexpr (kTls) read_wait_ = stream_.want();
      break;
    }
    if (ec) return finish();
    if (!consume({buffer, n})) return;
    if constexpr (kTls) read_wait_ = PlainStream::wait_read;
    if (n < kScratchBytes) {
      if constexpr (kTls) {
        if (stream_.pending()) continue;  // TLS holds input the socket will not report
      }
      break;
    }
  }
  if constexpr (kTls) {
    if (stream_.pending()) {
      asio::post(executor(), [self = self()] { self->on_readable({}); });
      return;
    }
  }
  // Asio re-arms the edge-triggered registration (EPOLL_CTL_MOD) when the wait starts, so
  // bytes left over by the bound are reported again at once.
  do_read();
}

// Feeds received bytes to the parser and acts on its events; false when reading must stop.
template <class Stream>
bool WsSession<Stream>::consume(std::span<char> input) {
  while (state_ != State::closed) {
    if (peer_closed_ || failing_) return true;  // closing: drain and ignore until the peer hangs up
    const WsFrameParser::Event event = parser_.parse(input);
    switch (event.kind) {
      case WsFrameParser::Kind::need_more:
        return true;
      case WsFrameParser::Kind::text:
        if (state_ == State::open) hand_received_text(event.payload);
        break;
      case WsFrameParser::Kind::ping:
        // A client that pings and never reads meets the outbound cap like any other.
        if (state_ == State::open && !overflow_)
          (void)enqueue_within_cap(make_frame(ws_opcode::pong, event.payload));
        break;
      case WsFrameParser::Kind::pong:
        break;  // liveness is noted for any received byte
      case WsFrameParser::Kind::close:
        peer_closed_ = true;
        if (state_ == State::open) {
          begin_close(event.code, {}, false);  // echo the peer's code (none when it sent none)
        } else if (close_written_) {
          finish();
          return false;
        }
        return true;
      case WsFrameParser::Kind::error:
        if (state_ == State::open) {
          failing_ = true;
          begin_close(event.code, {}, true);
        } else {
          failing_ = true;
          if (close_written_) on_close_written();
        }
        return state_ != State::closed;
    }
  }
  return false;
}

template <class Stream>
void WsSession<Stream>::hand_received_text(std::string_view text) {
  try {
    handler_->on_text(text);
  } catch (const std::exception& e) {
    obs::log_error("websocket handler failed", {obs::field("error", e.what())});
    begin_close(1011, "internal error", true);
  }
}

template <class Stream>
SendResult WsSession<Stream>::send(SharedFrame frame) {
  if (state_ != State::open || overflow_) return SendResult::closing;
  if (!frame) return SendResult::dropped;
  return enqueue_within_cap(std::move(frame));
}

template <class Stream>
SendResult WsSession<Stream>::enqueue_within_cap(SharedFrame frame) {
  if (queued_bytes_ + frame->size() > server_.config.max_outbound_bytes) {
    // Mark now, close later on our own thread: the caller may be looping over a room.
    overflow_ = true;
    obs::metrics().slow_consumer_closes.add();
    obs::log_warn("closing slow consumer",
                  {obs::field("connection", id_), obs::field("queued_bytes", queued_bytes_)});
    asio::post(executor(), [self = self()] { self->begin_close(1013, "slow consumer", true); });
    return SendResult::dropped;
  }
  enqueue(std::move(frame));
  return SendResult::queued;
}

template <class Stream>
void WsSession<Stream>::enqueue(SharedFrame frame) {
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  schedule_flush();
}

// Corking: everything queued until the thread's flush runs goes out in one gathered write.
template <class Stream>
void WsSession<Stream>::schedule_flush() {
  account_queue();
  if (writing_ || flush_posted_) return;
  flush_posted_ = true;
  server_.threads[index_]->flushes.add(shared_from_this());
}

template <class Stream>
void WsSession<Stream>::do_write() {
  if (writing_ || state_ == State::closed || head_ == queue_.size()) return;
  write_now();
}

// Gathered non-blocking writes of whatever the kernel takes now. Nearly every write completes at
// once, so no asynchronous operation (and no completion) is needed; only a full socket buffer
// makes the session wait for writability.
template <class Stream>
void WsSession<Stream>::write_now() {
  while (head_ < queue_.size()) {
    error_code ec;
    const std::size_t n = write_some(ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      writing_ = true;
      auto wait = PlainStream::wait_write;
      if constexpr (kTls) wait = stream_.want();
      plain_socket(stream_).async_wait(wait, [self = self()](error_code wait_ec) {
        self->writing_ = false;
        if (self->state_ == State::closed) return;
        if (wait_ec) return self->finish();
        self->write_now();
      });
      return;
    }
    if (ec) return finish();
    release_written(n);
  }
  after_written();
}

// One write from [head_, head_offset_): plain, the frames as they are; TLS, up to one record
// gathered into the thread's buffer. After would_block the same call gathers the same bytes
// again (they stay queued, see begin_close), as OpenSSL's retry requires.
template <class Stream>
std::size_t WsSession<Stream>::write_some(error_code& ec) {
  if constexpr (!kTls) {
    const std::size_t end = std::min(queue_.size(), head_ + kMaxFramesPerWrite);
    return stream_.write_some(FrameBuffers(queue_, head_, end, head_offset_), ec);
  } else {
    char* out = gather_buffer();
    std::size_t used = 0;
    std::size_t i = head_;
    std::size_t skip = head_offset_;
    for (; i < queue_.size() && used < kScratchBytes; ++i, skip = 0) {
      const std::string& frame = *queue_[i];
      const std::size_t take = std::min(frame.size() - skip, kScratchBytes - used);
      std::copy_n(frame.data() + skip, take, out + used);
      used += take;
    }
    write_end_ = i;
    return stream_.write_some(out, used, ec);
  }
}

// Drops the frames (and the part of the head frame) that the kernel has taken.
template <class Stream>
void WsSession<Stream>::release_written(std::size_t bytes) {
  while (bytes > 0 && head_ < queue_.size()) {
    const std::size_t size = queue_[head_]->size();
    const std::size_t left = size - head_offset_;
    if (bytes < left) {
      head_offset_ += bytes;
      return;
    }
    bytes -= left;
    queued_bytes_ -= size;
    queue_[head_].reset();
    ++head_;
    head_offset_ = 0;
  }
  account_queue();
}

template <class Stream>
void WsSession<Stream>::after_written() {
  if (head_ == queue_.size()) {
    head_ = write_end_ = head_offset_ = 0;
    if (queue_.capacity() > kKeepQueueCapacity)
      std::vector<SharedFrame>().swap(queue_);
    else
      queue_.clear();
    if (close_queued_) {
      close_written_ = true;
      return on_close_written();
    }
    return;
  }
  if (head_ > queue_.size() / 2) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = write_end_ = 0;
  }
  do_write();
}

template <class Stream>
void WsSession<Stream>::on_close_written() {
  if (peer_closed_) return finish();  // handshake complete
  if (failing_) {
    // Half-close and drain: closing with unread input would reset the connection and could
    // destroy our close frame before the peer reads it.
    error_code ec;
    if constexpr (kTls) {
      if (stream_.can_close_notify()) (void)stream_.shutdown(ec);  // best effort: no wait
    }
    plain_socket(stream_).shutdown(asio::socket_base::shutdown_send, ec);
  }
  // Otherwise wait (bounded by the close deadline) for the peer's close or its hang-up.
}

template <class Stream>
void WsSession<Stream>::begin_close(std::uint16_t code, std::string_view reason, bool drop_unsent) {
  if (state_ != State::open) return;
  state_ = State::closing;
  close_code_ = code != 0 ? code : 1005;
  if (drop_unsent) {
    // The pending TLS record holds [head_, write_end_); a partly written frame must finish.
    const std::size_t keep = kTls && writing_ ? write_end_ : head_ + (head_offset_ > 0 ? 1 : 0);
    for (std::size_t i = keep; i < queue_.size(); ++i) queued_bytes_ -= queue_[i]->size();
    queue_.resize(keep);
  }
  close_queued_ = true;
  // Outside the cap: one close frame of at most 127 bytes per connection, and it must go out.
  enqueue(make_close_frame(code, reason));
  arm_timer(Clock::now() + kCloseTimeout);
}

template <class Stream>
void WsSession<Stream>::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<Timer>(executor());
  timer->expires_after(delay);
  timer->async_wait([timer, weak = weak_from_this(), fn = std::move(fn)](error_code ec) {
    auto session = weak.lock();
    if (ec || !session) return;
    if (static_cast<WsSession*>(session.get())->state_ == State::closed) return;
    fn();
  });
}

template <class Stream>
void WsSession<Stream>::arm_timer(Clock::time_point at) {
  timer_.expires_at(at);  // cancels the previous wait; its handler sees operation_aborted
  timer_.async_wait([self = self()](error_code ec) { self->on_timer(ec); });
}

template <class Stream>
void WsSession<Stream>::arm_liveness() {
  arm_timer(std::min(next_ping_, last_received_ + server_.config.idle_timeout));
}

template <class Stream>
void WsSession<Stream>::on_timer(error_code ec) {
  if (ec || state_ == State::closed) return;
  const auto now = Clock::now();
  if (timer_.expiry() > now) return;              // a stale completion; a newer wait is pending
  if (state_ == State::closing) return finish();  // the peer never answered our close
  if (now - last_received_ >= server_.config.idle_timeout) {
    // Silent for idle_timeout: 1001 ("going away"), as the server drops the peer, not an error.
    return begin_close(1001, "idle timeout", true);
  }
  if (now >= next_ping_) {
    if (!overflow_) (void)enqueue_within_cap(make_frame(ws_opcode::ping, {}));
    next_ping_ = now + server_.config.ping_interval;
  }
  arm_liveness();
}

template <class Stream>
void WsSession<Stream>::finish() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  timer_.cancel();
  close_transport();
  if (!writing_) std::vector<SharedFrame>().swap(queue_);
  queued_bytes_ = 0;
  account_queue();
  server_.websockets.fetch_sub(1, std::memory_order_relaxed);
  obs::metrics().ws_connections.add(-1);
  obs::metrics().count_close(close_code());
  if (auto handler = std::move(handler_)) {
    try {
      handler->on_closed();
    } catch (const std::exception& e) {
      obs::log_error("websocket on_closed failed", {obs::field("error", e.what())});
    }
  }
  detach();
}

template <class Stream>
void WsSession<Stream>::close_transport() {
  error_code ec;
  if constexpr (kTls) {
    // After a write that would block, its record is still unsent: no alert can follow it.
    if (!terminating_ && !writing_ && stream_.can_close_notify() && !stream_.shutdown(ec)) {
      // The peer's receive window is full: give the alert a bounded wait, then close anyway.
      timer_.expires_after(kCloseNotifyTimeout);
      timer_.async_wait([self = self()](error_code) {
        error_code ignored;
        plain_socket(self->stream_).close(ignored);
      });
      plain_socket(stream_).async_wait(stream_.want(), [self = self()](error_code wait_ec) {
        error_code e;
        if (!wait_ec && !self->stream_.shutdown(e)) return;  // still full: the timer closes
        self->timer_.cancel();
        plain_socket(self->stream_).close(e);
      });
      return;
    }
  }
  plain_socket(stream_).close(ec);
}

template <class Stream>
void start(ServerState& server, std::size_t index, Stream&& stream, std::string_view leftover,
           std::shared_ptr<WsHandler> handler) {
  auto session = std::make_shared<WsSession<Stream>>(server, index, std::forward<Stream>(stream),
                                                     std::move(handler));
  session->start(leftover);
}

}  // namespace

char* scratch_buffer() noexcept {
  thread_local char buffer[kScratchBytes];
  return buffer;
}

char* gather_buffer() noexcept {
  thread_local char buffer[kScratchBytes];
  return buffer;
}

void start_ws_session(ServerState& server, std::size_t index, PlainStream&& stream,
                      std::string_view leftover, std::shared_ptr<WsHandler> handler) {
  start(server, index, std::move(stream), leftover, std::move(handler));
}

void start_ws_session(ServerState& server, std::size_t index, TlsStream&& stream,
                      std::string_view leftover, std::shared_ptr<WsHandler> handler) {
  start(server, index, std::move(stream), leftover, std::move(handler));
}

}  // namespace parley::net::detail
