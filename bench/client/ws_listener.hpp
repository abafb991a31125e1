#pragma once
// Receives one WsClient's events, always on that client's own io_context thread.

#include <string_view>

namespace parley::bench {

class WsClient;

class WsListener {
 public:
  virtual ~WsListener() = default;
  // The upgrade was answered 101; frames may be sent.
  virtual void on_open(WsClient& client) = 0;
  // One complete text message (fragments reassembled).
  virtual void on_text(WsClient& client, std::string_view text) = 0;
  // Called once when the connection ends for any reason, including our own close().
  virtual void on_closed(WsClient& client, std::string_view reason) = 0;
};

}  // namespace parley::bench
