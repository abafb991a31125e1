#include "net/ws_frame_parser.hpp"

#include <algorithm>
#include <cstring>

#include "net/ws_frame_writer.hpp"

namespace parley::net {
namespace {

// Messages up to this size keep their reassembly buffer; larger ones give it back afterwards so
// that an idle connection holds no big buffer.
constexpr std::size_t kKeepCapacity = 256;

bool is_control(std::uint8_t opcode) noexcept {
  return (opcode & 0x8) != 0;
}

bool valid_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

void unmask(char* data, std::size_t size, const unsigned char (&mask)[4],
            std::uint8_t offset) noexcept {
  unsigned char rotated[8];
  for (int i = 0; i < 8; ++i) rotated[i] = mask[(offset + i) & 3];
  std::uint64_t key;
  std::memcpy(&key, rotated, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    word ^= key;
    std::memcpy(data + i, &word, 8);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ rotated[i & 7]);
}

}  // namespace

WsFrameParser::Event WsFrameParser::fail(std::uint16_t code) noexcept {
  error_code_ = code;
  return {Kind::error, {}, code};
}

WsFrameParser::Event WsFrameParser::parse(std::span<char>& input) {
  if (error_code_ != 0) return {Kind::error, {}, error_code_};
  if (clear_pending_) {
    clear_pending_ = false;
    if (message_.capacity() > kKeepCapacity)
      std::string().swap(message_);
    else
      message_.clear();
  }
  while (true) {
    if (!in_payload_) {
      while (header_have_ < header_need_ && !input.empty()) {
        header_[header_have_++] = static_cast<unsigned char>(input[0]);
        input = input.subspan(1);
      }
      if (header_have_ < header_need_) return {};
      if (header_need_ == 2) {
        // The first two bytes tell how long the header is; validate them before reading on.
        const Event e = check_header();
        if (e.kind == Kind::error) return e;
        if (header_have_ < header_need_) continue;
      }
      // Header complete: length and mask.
      const std::uint8_t len7 = header_[1] & 0x7F;
      std::size_t pos = 2;
      std::uint64_t length = len7;
      if (len7 == 126) {
        length = (std::uint64_t{header_[2]} << 8) | header_[3];
        pos = 4;
      } else if (len7 == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | header_[2 + i];
        if (length >> 63) return fail(1002);
        pos = 10;
      }
      std::memcpy(mask_, header_ + pos, 4);
      header_have_ = 0;
      header_need_ = 2;
      if (!is_control(opcode_)) {
        const std::uint64_t already = in_message_ ? message_.size() : 0;
        if (length > max_ || already + length > max_) return fail(1009);
        if (opcode_ == ws_opcode::text) utf8_.reset();
      } else {
        control_.clear();
      }
      remaining_ = frame_length_ = length;
      mask_offset_ = 0;
      in_payload_ = true;
    }

    if (remaining_ > 0) {
      if (input.empty()) return {};
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
      char* data = input.data();
      unmask(data, n, mask_, mask_offset_);
      input = input.subspan(n);
      // A whole single-frame message already in the input is delivered in place, uncopied.
      if (!is_control(opcode_) && fin_ && !in_message_ && n == frame_length_) {
        remaining_ = 0;
        in_payload_ = false;
        const std::string_view text(data, n);
        if (!utf8_.feed(text) || !utf8_.complete()) return fail(1007);
        return {Kind::text, text, 0};
      }
      remaining_ -= n;
      mask_offset_ = static_cast<std::uint8_t>((mask_offset_ + n) & 3);
      if (is_control(opcode_)) {
        control_.append(data, n);
      } else {
        if (!utf8_.feed({data, n})) return fail(1007);
        if (message_.empty()) message_.reserve(static_cast<std::size_t>(remaining_ + n));
        message_.append(data, n);
      }
      if (remaining_ > 0) return {};
    }
    in_payload_ = false;
    const Event e = finish_frame();
    if (e.kind != Kind::need_more) return e;
  }
}

// Validates the first two header bytes and sets how many header bytes follow.
WsFrameParser::Event WsFrameParser::check_header() {
  const unsigned char b0 = header_[0];
  const unsigned char b1 = header_[1];
  fin_ = (b0 & 0x80) != 0;
  opcode_ = b0 & 0x0F;
  if (b0 & 0x70) return fail(1002);     // reserved bits: no extension was negotiated
  if (!(b1 & 0x80)) return fail(1002);  // client frames must be masked
  const std::uint8_t len7 = b1 & 0x7F;
  switch (opcode_) {
    case ws_opcode::continuation:
      if (!in_message_) return fail(1002);
      break;
    case ws_opcode::text:
      if (in_message_) return fail(1002);
      break;
    case ws_opcode::binary:
      return fail(1003);
    case ws_opcode::close:
    case ws_opcode::ping:
    case ws_opcode::pong:
      if (!fin_ || len7 > 125) return fail(1002);
      break;
    default:
      return fail(1002);
  }
  header_need_ = static_cast<std::uint8_t>(2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4);
  return {};
}

// Called when a frame's payload is complete; returns an event or need_more to read on.
WsFrameParser::Event WsFrameParser::finish_frame() {
  switch (opcode_) {
    case ws_opcode::ping:
      return {Kind::ping, control_, 0};
    case ws_opcode::pong:
      return {Kind::pong, control_, 0};
    case ws_opcode::close:
      return close_event();
    default:
      break;
  }
  if (!fin_) {
    in_message_ = true;
    return {};
  }
  in_message_ = false;
  if (!utf8_.complete()) return fail(1007);
  clear_pending_ = true;
  return {Kind::text, message_, 0};
}

WsFrameParser::Event WsFrameParser::close_event() {
  if (control_.empty()) return {Kind::close, {}, 1005};
  if (control_.size() == 1) return fail(1002);
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) |
                                               static_cast<unsigned char>(control_[1]));
  if (!valid_close_code(code)) return fail(1002);
  const std::string_view reason = std::string_view(control_).substr(2);
  if (!Utf8Validator::valid(reason)) return fail(1007);
  return {Kind::close, reason, code};
}

}  // namespace parley::net
