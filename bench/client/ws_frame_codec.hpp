#pragma once
// RFC 6455 framing from the client's side: masked frames out, unmasked server frames in.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::bench {

enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

struct WsFrame {
  bool fin = true;
  WsOpcode opcode = WsOpcode::text;
  std::string_view payload;  // points into the caller's buffer
};

enum class WsParse { complete, incomplete, invalid };

class WsFrameCodec {
 public:
  // Appends one complete masked frame (FIN set) to `out`; `mask_key` is the 4-byte key.
  static void append_client_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                                  std::uint32_t mask_key);

  // Reads one server frame from the front of `data`; on complete, `consumed` is its size.
  // A masked server frame or a reserved bit is invalid; `max_payload` bounds what we accept.
  static WsParse parse_server_frame(std::string_view data, WsFrame& frame, std::size_t& consumed,
                                    std::size_t max_payload = std::size_t{1} << 26);
};

}  // namespace parley::bench
