#pragma once
// Builds client-to-server WebSocket frames byte by byte for the net/ tests.

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::net::test {

struct FrameSpec {
  std::uint8_t opcode = 0x1;
  bool fin = true;
  bool masked = true;
  std::uint8_t rsv = 0;        // the three reserved bits, 0..7
  int length_form = 0;         // 0: minimal; 126 or 127: force that encoding
  std::uint64_t declared = 0;  // when non-zero: the length written in the header
};

inline std::string client_frame(std::string_view payload, FrameSpec spec = {}) {
  std::string out;
  out.push_back(static_cast<char>((spec.fin ? 0x80 : 0) | (spec.rsv << 4) | spec.opcode));
  const std::uint64_t len = spec.declared ? spec.declared : payload.size();
  const std::uint8_t mask_bit = spec.masked ? 0x80 : 0;
  int form = spec.length_form;
  if (form == 0) form = len < 126 ? 0 : len <= 0xFFFF ? 126 : 127;
  if (form == 0) {
    out.push_back(static_cast<char>(mask_bit | len));
  } else if (form == 126) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(len & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(len >> (8 * i)));
  }
  const unsigned char mask[4] = {0x37, 0xFA, 0x21, 0x3D};
  if (spec.masked) out.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(spec.masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i]);
  return out;
}

inline std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p;
  p.push_back(static_cast<char>(code >> 8));
  p.push_back(static_cast<char>(code & 0xFF));
  p.append(reason);
  return p;
}

}  // namespace parley::net::test
