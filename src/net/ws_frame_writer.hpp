#pragma once
// Encoding of server-to-client WebSocket frames (unmasked, final): data frames are built once and
// shared; control frames (close, ping, pong) go through the same per-connection queue.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/ws_connection.hpp"

namespace parley::net {

namespace ws_opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace ws_opcode

// Longest frame header a server writes (no mask).
inline constexpr std::size_t kMaxServerFrameHeader = 10;

// Writes the header of a final, unmasked frame into `out`; returns its length (2, 4 or 10).
std::size_t encode_frame_header(std::uint8_t opcode, std::uint64_t payload_size,
                                char (&out)[kMaxServerFrameHeader]) noexcept;

// A whole final frame with `opcode` and `payload`.
SharedFrame make_frame(std::uint8_t opcode, std::string_view payload);

// A close frame; code 1005 ("no status") gives an empty payload. The reason is cut to fit 125
// bytes.
SharedFrame make_close_frame(std::uint16_t code, std::string_view reason);

}  // namespace parley::net
