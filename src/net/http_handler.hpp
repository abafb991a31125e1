#pragma once
// What net/ calls for every parsed HTTP request and WebSocket upgrade.

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

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;

  // Exactly-once completion; thread-safe (net/ posts the response back to the connection).
  using Respond = std::function<void(HttpResponse)>;

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
