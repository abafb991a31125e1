// HttpSession: one HTTP/1.1 connection (keep-alive, one request at a time) until it closes or
// upgrades to a WebSocket.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <exception>
#include <iterator>
#include <optional>
#include <shared_mutex>

#include "net/detail/file_slice_body.hpp"
#include "net/detail/http_request_fill.hpp"
#include "net/detail/http_session.hpp"
#include "net/detail/server_state.hpp"
#include "net/detail/tls_socket.hpp"
#include "net/detail/ws_session.hpp"
#include "net/ws_handshake.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace parley::net::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;

constexpr std::chrono::seconds kWriteTimeout{60};
// After a response that closes the connection: how long unread input is drained, so that closing
// does not reset the connection before the client has read the response.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = 1 << 20;
// A read buffer grown by a large request is given back when the request is done.
constexpr std::size_t kKeepBufferBytes = 4096;
// A streamed body is read in chunks of this size, each handed to the BodySink in place.
constexpr std::size_t kStreamChunkBytes = 64 << 10;

// One HTTP connection; lives on one network thread, its members touched only there.
template <class Stream>
class HttpSession final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;

  HttpSession(ServerState& server, std::size_t index, Stream&& stream, std::string remote)
      : SessionBase(server, index),
        stream_(std::move(stream)),
        timer_(plain_socket(stream_).get_executor()),
        remote_(std::move(remote)) {}

  void start();
  void shutdown() override;
  void terminate() override { finish(); }

  // Completes the request in progress; on this session's thread.
  void respond(HttpResponse response, bool keep_alive);

 private:
  enum class Phase : std::uint8_t { handshake, reading, handling, writing, lingering, done };

  std::shared_ptr<HttpSession> self() {
    return std::static_pointer_cast<HttpSession>(shared_from_this());
  }

  void on_handshake(error_code ec);
  void do_read();
  void on_header(error_code ec);
  void read_body();
  // A streamed body (BodySink): chunk by chunk, each read only once the sink took the last.
  void start_stream();
  void read_chunk();
  void on_chunk(error_code ec);
  void end_stream(error_code ec);
  void on_read(error_code ec);
  void handle_request(HttpRequest request);
  void upgrade(HttpRequest request);
  void reply_error(const HttpRequest& request, ErrorCode code, std::string_view message,
                   int status = 0);
  void respond_with_file(HttpResponse response);
  void write_file_part();
  void on_write(error_code ec);
  void linger();
  // TLS: sends close_notify (waiting, within the linger deadline, for room to), then `next`.
  void close_notify(void (HttpSession::*next)());
  void drain();
  void on_linger(error_code ec, std::size_t n);
  void arm_timer(Clock::duration after);
  void finish();

  Stream stream_;
  Timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  std::shared_ptr<BodySink> sink_;  // set while a streamed body is read
  std::unique_ptr<char[]> chunk_;   // the chunk being read, while streaming
  HttpHandler::Respond stream_respond_;
  std::optional<http::response<http::string_body>> response_;
  // A response whose body is a file: written a part at a time, the timeout re-armed for each.
  std::optional<http::response<FileSliceBody>> file_response_;
  std::optional<http::response_serializer<FileSliceBody>> file_serializer_;
  std::shared_ptr<WsHandler> ws_handler_;  // set while the 101 is being written
  std::string remote_;
  std::size_t lingered_ = 0;
  unsigned version_ = 11;
  bool head_request_ = false;
  Phase phase_ = Phase::handshake;
  bool keep_alive_ = false;
  std::size_t requests_ = 0;  // read on this connection
  bool shutting_down_ = false;
};

// Holds the session for a pending `respond`, and makes the call exactly-once and thread-safe.
template <class Stream>
struct PendingResponse {
  PendingResponse(std::shared_ptr<HttpSession<Stream>> s, Executor ex, bool keep)
      : session(std::move(s)), executor(ex), keep_alive(keep) {}
  ~PendingResponse() {
    // Dropped without an answer: release the session on its own thread, which closes it.
    if (session) asio::post(executor, [s = std::move(session)] {});
  }

  std::shared_ptr<HttpSession<Stream>> session;
  Executor executor;
  bool keep_alive;
  std::atomic<bool> done{false};
};

template <class Stream>
void HttpSession<Stream>::start() {
  attach();
  if (server_.closing.load()) return finish();
  if constexpr (kTls) {
    arm_timer(server_.config.request_timeout);
    stream_.async_handshake([self = self()](error_code ec) { self->on_handshake(ec); });
  } else {
    do_read();
  }
}

template <class Stream>
void HttpSession<Stream>::on_handshake(error_code ec) {
  if (phase_ == Phase::done) return;
  if (ec) return finish();
  do_read();
}

template <class Stream>
void HttpSession<Stream>::shutdown() {
  shutting_down_ = true;
  // Waiting for a request: close now. Handling or writing: close after the response.
  if (phase_ == Phase::handshake || phase_ == Phase::reading) finish();
}

template <class Stream>
void HttpSession<Stream>::do_read() {
  phase_ = Phase::reading;
  if (buffer_.capacity() > kKeepBufferBytes && buffer_.size() == 0) buffer_.shrink_to_fit();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.config.max_header_bytes));
  // Headers are read before the route is known: the body cap is checked in on_header.
  parser_->body_limit(std::max<std::uint64_t>(server_.config.max_body_bytes,
                                              server_.config.max_streamed_body_bytes));
  // One deadline covers both the wait for a keep-alive request and reading it in full.
  arm_timer(server_.config.request_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = self()](error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_header(error_code ec) {
  if (phase_ == Phase::done) return;
  if (ec) return on_read(ec);
  // Here, before any body is read, so that streamed bodies meet the cap too.
  if (auto& head = parser_->get();
      static_cast<std::size_t>(std::distance(head.begin(), head.end())) >
      server_.config.max_header_count) {
    timer_.cancel();
    version_ = head.version();
    head_request_ = head.method() == http::verb::head;
    HttpRequest request;
    request.remote_address = remote_;
    fill_request(request, head, false);
    return reply_error(request, ErrorCode::bad_request, "too many header fields");
  }
  {
    // Only the request line: asked of every request, so it copies no header.
    HttpRequest line;
    line.method = std::string(parser_->get().method_string());
    line.target = std::string(parser_->get().target());
    const auto q = line.target.find('?');
    line.path = line.target.substr(0, q);
    if (q != std::string::npos) line.query = line.target.substr(q + 1);
    if (server_.handler.streams_body(line)) return start_stream();
  }
  const auto length = parser_->content_length();
  if (length && *length > server_.config.max_body_bytes) return on_read(http::error::body_limit);
  parser_->body_limit(server_.config.max_body_bytes);
  // A body over the cap has failed already; for one within it, a client that asked (curl does,
  // above 1 KiB) is told to go on rather than left waiting.
  if (!parser_->is_done() && beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = self()](error_code e, std::size_t) {
                        if (e) return self->finish();
                        self->read_body();
                      });
    return;
  }
  read_body();
}

template <class Stream>
void HttpSession<Stream>::read_body() {
  if (phase_ == Phase::done) return;
  if (parser_->is_done()) return on_read({});
  http::async_read(stream_, buffer_, *parser_,
                   [self = self()](error_code ec, std::size_t) { self->on_read(ec); });
}

template <class Stream>
void HttpSession<Stream>::start_stream() {
  phase_ = Phase::handling;
  timer_.cancel();
  HttpRequest head;
  head.remote_address = remote_;
  fill_request(head, parser_->get(), false);
  version_ = parser_->get().version();
  head_request_ = false;
  const bool expects_continue =
      !parser_->is_done() && beast::iequals(parser_->get()[http::field::expect], "100-continue");
  obs::metrics().http_requests.add();
  // The connection closes after the answer: a refusal leaves the body unread.
  auto pending = std::make_shared<PendingResponse<Stream>>(
      self(), plain_socket(stream_).get_executor(), false);
  stream_respond_ = [pending](HttpResponse response) {
    if (pending->done.exchange(true)) return;
    asio::post(pending->executor,
               [s = std::move(pending->session), r = std::move(response)]() mutable {
                 s->sink_.reset();
                 s->respond(std::move(r), false);
               });
  };
  try {
    sink_ = server_.handler.open_body(std::move(head), stream_respond_);
  } catch (const std::exception& e) {
    obs::log_error("request handler failed", {obs::field("error", e.what())});
    HttpRequest partial;
    partial.remote_address = remote_;
    stream_respond_(server_.handler.error_response(partial, ErrorCode::internal, "internal error"));
    return;
  }
  if (!sink_) return;  // refused: the answer is on its way
  const auto length = parser_->content_length();
  if (length && *length > sink_->max_bytes()) return end_stream(http::error::body_limit);
  stream_parser_.emplace(std::move(*parser_));
  parser_.reset();
  stream_parser_->body_limit(sink_->max_bytes());
  chunk_ = std::make_unique<char[]>(kStreamChunkBytes);
  phase_ = Phase::reading;
  if (!expects_continue) return read_chunk();
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = self()](error_code e, std::size_t) {
                      if (e) return self->end_stream(e);
                      self->read_chunk();
                    });
}

template <class Stream>
void HttpSession<Stream>::read_chunk() {
  if (phase_ == Phase::done || !sink_) return end_stream(asio::error::operation_aborted);
  if (stream_parser_->is_done()) return end_stream({});
  auto& body = stream_parser_->get().body();
  body.data = chunk_.get();
  body.size = kStreamChunkBytes;
  body.more = true;
  // Each chunk has the whole request timeout: a large body only needs to keep moving.
  arm_timer(server_.config.request_timeout);
  http::async_read(stream_, buffer_, *stream_parser_,
                   [self = self()](error_code ec, std::size_t) { self->on_chunk(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_chunk(error_code ec) {
  if (ec == http::error::need_buffer) ec = {};
  if (phase_ == Phase::done && !ec) ec = asio::error::operation_aborted;
  if (ec) return end_stream(ec);
  timer_.cancel();
  const std::size_t got = kStreamChunkBytes - stream_parser_->get().body().size;
  if (got == 0) return read_chunk();
  phase_ = Phase::handling;
  auto next = [self = self(), executor = plain_socket(stream_).get_executor()] {
    asio::post(executor, [self] {
      if (self->phase_ == Phase::done) return self->end_stream(asio::error::operation_aborted);
      self->phase_ = Phase::reading;
      self->read_chunk();
    });
  };
  sink_->write(std::string_view(chunk_.get(), got), std::move(next));
}

// The end of a streamed body: complete (no error), or cut off / over the cap / malformed.
template <class Stream>
void HttpSession<Stream>::end_stream(error_code ec) {
  auto sink = std::move(sink_);
  stream_parser_.reset();
  chunk_.reset();
  if (!ec && sink && phase_ != Phase::done) {
    phase_ = Phase::handling;
    timer_.cancel();
    return sink->finish();
  }
  if (sink) sink->abort();
  if (phase_ == Phase::done) return;
  timer_.cancel();
  HttpRequest request;
  request.remote_address = remote_;
  if (ec == http::error::body_limit)
    return stream_respond_(
        server_.handler.error_response(request, ErrorCode::payload_too_large, "upload too large"));
  if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return stream_respond_(
        server_.handler.error_response(request, ErrorCode::bad_request, "malformed HTTP request"));
  finish();
}

template <class Stream>
void HttpSession<Stream>::on_read(error_code ec) {
  if (phase_ == Phase::done) return;
  timer_.cancel();
  HttpRequest request;
  request.remote_address = remote_;
  if (ec) {
    if (parser_->is_header_done()) fill_request(request, parser_->get(), false);
    if (ec == http::error::body_limit)
      return reply_error(request, ErrorCode::payload_too_large, "request body too large");
    if (ec == http::error::header_limit)
      return reply_error(request, ErrorCode::bad_request, "request header too large");
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return reply_error(request, ErrorCode::bad_request, "malformed HTTP request");
    return finish();  // disconnect, reset, timeout: nothing to answer
  }
  auto& message = parser_->get();
  version_ = message.version();
  head_request_ = message.method() == http::verb::head;
  keep_alive_ = message.keep_alive() && ++requests_ < server_.config.max_requests_per_connection;
  const bool ws = is_websocket_upgrade(message);
  fill_request(request, message, true);
  parser_.reset();
  obs::metrics().http_requests.add();
  if (request.path == "/ws") {
    if (ws) return upgrade(std::move(request));
    // RFC 6455 §4.2.2: the WebSocket endpoint answers a plain request with 426, not a page.
    return reply_error(request, ErrorCode::bad_request, "GET /ws takes a WebSocket upgrade only",
                       426);
  }
  handle_request(std::move(request));
}

template <class Stream>
void HttpSession<Stream>::handle_request(HttpRequest request) {
  phase_ = Phase::handling;
  auto pending = std::make_shared<PendingResponse<Stream>>(
      self(), plain_socket(stream_).get_executor(), keep_alive_);
  HttpHandler::Respond respond = [pending](HttpResponse response) {
    if (pending->done.exchange(true)) return;
    asio::post(pending->executor,
               [s = std::move(pending->session), keep = pending->keep_alive,
                r = std::move(response)]() mutable { s->respond(std::move(r), keep); });
  };
  try {
    server_.handler.handle(std::move(request), respond);
  } catch (const std::exception& e) {
    obs::log_error("request handler failed", {obs::field("error", e.what())});
    HttpRequest partial;
    partial.remote_address = remote_;
    respond(server_.handler.error_response(partial, ErrorCode::internal, "internal error"));
  }
}

template <class Stream>
void HttpSession<Stream>::upgrade(HttpRequest request) {
  if (request.header("Sec-WebSocket-Version") != "13") {
    return reply_error(request, ErrorCode::bad_request, "unsupported WebSocket version; use 13",
                       426);
  }
  const std::string_view key = request.header("Sec-WebSocket-Key");
  if (!valid_websocket_key(key))
    return reply_error(request, ErrorCode::bad_request, "missing or invalid Sec-WebSocket-Key");
  UpgradeDecision decision;
  try {
    decision = server_.handler.upgrade(request);
  } catch (const std::exception& e) {
    obs::log_error("upgrade handler failed", {obs::field("error", e.what())});
    return reply_error(request, ErrorCode::internal, "internal error");
  }
  if (decision.reject) return respond(std::move(*decision.reject), false);
  if (!decision.handler) return reply_error(request, ErrorCode::internal, "internal error");
  ws_handler_ = std::move(decision.handler);
  phase_ = Phase::writing;
  response_.emplace(http::status::switching_protocols, version_);
  response_->set(http::field::upgrade, "websocket");
  response_->set(http::field::connection, "Upgrade");
  response_->set(http::field::sec_websocket_accept, websocket_accept(key));
  for (auto& h : decision.headers) response_->set(h.name, h.value);
  arm_timer(kWriteTimeout);
  http::async_write(stream_, *response_,
                    [self = self()](error_code ec, std::size_t) { self->on_write(ec); });
}

template <class Stream>
void HttpSession<Stream>::reply_error(const HttpRequest& request, ErrorCode code,
                                      std::string_view message, int status) {
  HttpResponse response = server_.handler.error_response(request, code, message);
  if (status == 426) {
    response.set_header("Upgrade", "websocket");
    response.set_header("Sec-WebSocket-Version", "13");
  }
  if (status != 0) response.status = status;
  respond(std::move(response), false);
}

template <class Stream>
void HttpSession<Stream>::respond(HttpResponse response, bool keep_alive) {
  if (phase_ == Phase::done) return;
  phase_ = Phase::writing;
  stream_respond_ = nullptr;
  keep_alive_ = keep_alive && !shutting_down_;
  if (response.file && !head_request_) return respond_with_file(std::move(response));
  response_.emplace(static_cast<http::status>(response.status), version_);
  for (auto& h : response.headers) response_->set(h.name, h.value);
  response_->body() = std::move(response.body);
  response_->keep_alive(keep_alive_);
  response_->prepare_payload();
  if (head_request_) response_->body().clear();  // HEAD: the length of the body it would get
  if (head_request_ && response.file) response_->content_length(response.file->length());
  arm_timer(kWriteTimeout);
  http::async_write(stream_, *response_,
                    [self = self()](error_code ec, std::size_t) { self->on_write(ec); });
}

template <class Stream>
void HttpSession<Stream>::respond_with_file(HttpResponse response) {
  file_response_.emplace(static_cast<http::status>(response.status), version_);
  for (auto& h : response.headers) file_response_->set(h.name, h.value);
  file_response_->body() = std::move(response.file);
  file_response_->keep_alive(keep_alive_);
  file_response_->prepare_payload();
  file_serializer_.emplace(*file_response_);
  write_file_part();
}

template <class Stream>
void HttpSession<Stream>::write_file_part() {
  // Each part has the write timeout: a slow reader of a large file is not cut off while it reads.
  arm_timer(kWriteTimeout);
  http::async_write_some(stream_, *file_serializer_, [self = self()](error_code ec, std::size_t) {
    if (self->phase_ == Phase::done) return;
    if (ec || self->file_serializer_->is_done()) return self->on_write(ec);
    self->write_file_part();
  });
}

template <class Stream>
void HttpSession<Stream>::on_write(error_code ec) {
  if (phase_ == Phase::done) return;
  timer_.cancel();
  response_.reset();
  file_serializer_.reset();
  file_response_.reset();
  if (ec && ec != http::error::end_of_stream) return finish();
  if (ws_handler_) {
    // Hand the socket and any bytes read past the request to the WebSocket session.
    const auto data = buffer_.data();
    const std::string_view leftover(static_cast<const char*>(data.data()), data.size());
    start_ws_session(server_, index_, std::move(stream_), leftover, std::move(ws_handler_));
    phase_ = Phase::done;
    return detach();
  }
  if (!keep_alive_ || shutting_down_) return linger();
  do_read();
}

template <class Stream>
void HttpSession<Stream>::linger() {
  phase_ = Phase::lingering;
  arm_timer(kLingerTimeout);
  if constexpr (kTls) {
    if (stream_.can_close_notify()) return close_notify(&HttpSession::drain);
  }
  drain();
}

template <class Stream>
void HttpSession<Stream>::close_notify(void (HttpSession::*next)()) {
  if constexpr (kTls) {
    error_code ec;
    if (!stream_.shutdown(ec)) {
      plain_socket(stream_).async_wait(stream_.want(), [self = self(), next](error_code e) {
        if (self->phase_ == Phase::done) return;
        if (e) return self->finish();
        self->close_notify(next);
      });
      return;
    }
  }
  (this->*next)();
}

template <class Stream>
void HttpSession<Stream>::drain() {
  error_code ec;
  plain_socket(stream_).shutdown(asio::socket_base::shutdown_send, ec);
  if (ec) return finish();
  // Discarded bytes (raw, TLS or not): any thread-local buffer will do.
  plain_socket(stream_).async_read_some(
      asio::buffer(scratch_buffer(), kScratchBytes),
      [self = self()](error_code e, std::size_t n) { self->on_linger(e, n); });
}

template <class Stream>
void HttpSession<Stream>::on_linger(error_code ec, std::size_t n) {
  if (phase_ == Phase::done) return;
  lingered_ += n;
  if (ec || lingered_ > kLingerMaxBytes) return finish();
  plain_socket(stream_).async_read_some(
      asio::buffer(scratch_buffer(), kScratchBytes),
      [self = self()](error_code e, std::size_t m) { self->on_linger(e, m); });
}

template <class Stream>
void HttpSession<Stream>::arm_timer(Clock::duration after) {
  timer_.expires_after(after);
  timer_.async_wait([self = self()](error_code ec) {
    if (ec || self->phase_ == Phase::done) return;
    if (self->timer_.expiry() > Clock::now()) return;  // stale: re-armed since
    self->finish();  // closing the socket aborts the pending read or write
  });
}

template <class Stream>
void HttpSession<Stream>::finish() {
  if (phase_ == Phase::done) return;
  const Phase was = phase_;
  phase_ = Phase::done;
  stream_respond_ = nullptr;  // it holds this session until an answer
  error_code ec;
  if constexpr (kTls) {
    // Closing an idle keep-alive connection (timeout, shutdown): close_notify, best effort, no
    // wait. Not while a write is in flight (OpenSSL may hold its record) or after lingering.
    if (was != Phase::writing && was != Phase::lingering && stream_.can_close_notify())
      (void)stream_.shutdown(ec);
  }
  plain_socket(stream_).close(ec);
  timer_.cancel();
  detach();
}

std::string remote_of(const PlainStream& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

}  // namespace

void start_http_session(ServerState& server, std::size_t index, PlainStream socket) {
  std::string remote = remote_of(socket);
  if (server.tls) {
    std::shared_lock lock(server.tls_mutex);
    auto session = std::make_shared<HttpSession<TlsStream>>(
        server, index, TlsStream(std::move(socket), server.tls->native_handle()),
        std::move(remote));
    lock.unlock();
    session->start();
  } else {
    auto session = std::make_shared<HttpSession<PlainStream>>(server, index, std::move(socket),
                                                              std::move(remote));
    session->start();
  }
}

}  // namespace parley::net::detail
