#include "client/ws_frame_codec.hpp"

#include <cstring>

namespace parley::bench {

void WsFrameCodec::append_client_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                                       std::uint32_t mask_key) {
  const std::size_t n = payload.size();
  const std::size_t start = out.size();
  const std::size_t header = 2 + (n < 126 ? 0 : n <= 0xFFFF ? 2 : 8) + 4;
  out.resize(start + header + n);
  auto* p = reinterpret_cast<unsigned char*>(out.data() + start);
  *p++ = static_cast<unsigned char>(0x80 | static_cast<unsigned>(opcode));
  if (n < 126) {
    *p++ = static_cast<unsigned char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    *p++ = 0x80 | 126;
    *p++ = static_cast<unsigned char>(n >> 8);
    *p++ = static_cast<unsigned char>(n);
  } else {
    *p++ = 0x80 | 127;
    for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<unsigned char>(n >> shift);
  }
  unsigned char mask[4];
  std::memcpy(mask, &mask_key, 4);
  std::memcpy(p, mask, 4);
  p += 4;
  const auto* src = reinterpret_cast<const unsigned char*>(payload.data());
  std::size_t i = 0;
  // Eight bytes at a time: the mask repeats every 4 bytes, so a doubled key lines up.
  std::uint64_t wide;
  std::memcpy(&wide, mask, 4);
  std::memcpy(reinterpret_cast<unsigned char*>(&wide) + 4, mask, 4);
  for (; i + 8 <= n; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, src + i, 8);
    chunk ^= wide;
    std::memcpy(p + i, &chunk, 8);
  }
  for (; i < n; ++i) p[i] = src[i] ^ mask[i & 3];
}

WsParse WsFrameCodec::parse_server_frame(std::string_view data, WsFrame& frame,
                                         std::size_t& consumed, std::size_t max_payload) {
  if (data.size() < 2) return WsParse::incomplete;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  if (p[0] & 0x70) return WsParse::invalid;  // reserved bits: no extension was negotiated
  if (p[1] & 0x80) return WsParse::invalid;  // servers never mask
  std::size_t header = 2;
  std::uint64_t len = p[1] & 0x7F;
  if (len == 126) {
    if (data.size() < 4) return WsParse::incomplete;
    len = (std::uint64_t{p[2]} << 8) | p[3];
    header = 4;
  } else if (len == 127) {
    if (data.size() < 10) return WsParse::incomplete;
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
    header = 10;
  }
  if (len > max_payload) return WsParse::invalid;
  if (data.size() < header + len) return WsParse::incomplete;
  frame.fin = (p[0] & 0x80) != 0;
  frame.opcode = static_cast<WsOpcode>(p[0] & 0x0F);
  frame.payload = data.substr(header, static_cast<std::size_t>(len));
  consumed = header + static_cast<std::size_t>(len);
  return WsParse::complete;
}

}  // namespace parley::bench
