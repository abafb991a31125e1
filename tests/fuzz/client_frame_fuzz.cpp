// libFuzzer target: the client-frame JSON parser must answer every input with a frame or a
// FrameError, never crash, and a parsed `send` must satisfy the contract's field rules.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/client_frame.hpp"
#include "protocol/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = parley::protocol::parse_client_frame(text);
  if (auto* frame = std::get_if<parley::protocol::ClientFrame>(&result)) {
    if (frame->ref && parley::protocol::count_code_points(*frame->ref) > 64) __builtin_trap();
    if (auto* send = std::get_if<parley::protocol::SendFrame>(&frame->body)) {
      if (parley::protocol::check_body(send->body)) __builtin_trap();
      if (send->room < 1 || send->room > parley::protocol::kMaxId) __builtin_trap();
      if (send->meta_json && send->meta_json->size() > parley::protocol::kMaxMetaBytes)
        __builtin_trap();
    }
  }
  return 0;
}
