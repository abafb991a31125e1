#include "net/ws_frame_writer.hpp"

#include <cstring>
#include <string>

namespace parley::net {

std::size_t encode_frame_header(std::uint8_t opcode, std::uint64_t payload_size,
                                char (&out)[kMaxServerFrameHeader]) noexcept {
  out[0] = static_cast<char>(0x80 | (opcode & 0x0F));
  if (payload_size < 126) {
    out[1] = static_cast<char>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<char>(payload_size >> 8);
    out[3] = static_cast<char>(payload_size & 0xFF);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<char>(payload_size >> (56 - 8 * i));
  return 10;
}

SharedFrame make_frame(std::uint8_t opcode, std::string_view payload) {
  char header[kMaxServerFrameHeader];
  const std::size_t header_size = encode_frame_header(opcode, payload.size(), header);
  auto frame = std::make_shared<std::string>();
  frame->resize(header_size + payload.size());
  std::memcpy(frame->data(), header, header_size);
  if (!payload.empty()) std::memcpy(frame->data() + header_size, payload.data(), payload.size());
  return frame;
}

SharedFrame make_text_frame(std::string_view payload) {
  return make_frame(ws_opcode::text, payload);
}

SharedFrame make_close_frame(std::uint16_t code, std::string_view reason) {
  if (code == 1005 || code == 0) return make_frame(ws_opcode::close, {});
  // Cut the reason on a UTF-8 boundary so the peer never sees a broken code point.
  std::size_t n = std::min<std::size_t>(reason.size(), 123);
  while (n > 0 && n < reason.size() && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;
  std::string payload;
  payload.reserve(2 + n);
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, n));
  return make_frame(ws_opcode::close, payload);
}

}  // namespace parley::net
