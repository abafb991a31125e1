#pragma once
// What net/ calls for every parsed HTTP request and WebSocket upgrade.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error_code.hpp"
#include "net/http_types.hpp"
#include "net/ws_connection.hpp"

namespace parley::net {

struct UpgradeDecision {
  std::optional<HttpResponse> reject;  // set: answer with this response, no upgrade
  std::shared_ptr<WsHandler> handler;  // set when accepted
  std::vector<Header> headers;         // extra headers for the 101 response (X-Request-Id)
};

// Takes a request body in chunks as it arrives (an upload), so that no body is ever held whole.
// Called on the connection's network thread; must not block.
class BodySink {
 public:
  virtual ~BodySink() = default;

  // The most bytes this body may have: beyond it the request is answered 413 and abort() called.
  virtual std::uint64_t max_bytes() const = 0;
  // The next chunk, in order. Its bytes stay valid, and nothing more is read, until the sink
  // calls `next` (from any thread) — or answers through its Respond instead, which ends the
  // request (the rest of the body is never read).
  virtual void write(std::string_view chunk, std::function<void()> next) = 0;
  // The whole body arrived: the sink answers through its Respond.
  virtual void finish() = 0;
  // The body will never be complete (cut off, timed out, over the cap, malformed): drop what was
  // written. The sink's answer, if it still gives one, is discarded.
  virtual void abort() = 0;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;

  // Exactly-once completion; thread-safe (net/ posts the response back to the connection).
  using Respond = std::function<void(HttpResponse)>;

  // Whether the body of the request is streamed (open_body) rather than read whole (handle).
  // `line` has the request line only (method, target, path, query), no headers. On the network
  // thread; must not block.
  virtual bool streams_body(const HttpRequest& line) const {
    (void)line;
    return false;
  }
  // For a request streams_body() chose: a sink for its body, or nullptr after answering through
  // `respond` (a refusal; the body is not read). `head` has no body. On the network thread;
  // must not block. The connection closes after the answer.
  virtual std::shared_ptr<BodySink> open_body(HttpRequest head, Respond respond) {
    (void)head;
    (void)respond;
    return nullptr;
  }

  // Called on the connection's network thread; must not block.
  virtual void handle(HttpRequest request, Respond respond) = 0;

  // Called on the network thread for a well-formed upgrade to /ws (version 13, key present).
  // Must not block.
  virtual UpgradeDecision upgrade(const HttpRequest& request) = 0;

  // Builds the contract's error response for problems net/ detects itself (malformed request,
  // body over the cap, wrong WebSocket version...). `request` may be partially filled.
  virtual HttpResponse error_response(const HttpRequest& request, ErrorCode code,
                                      std::string_view message) = 0;
};

}  // namespace parley::net
