// libFuzzer target for the WebSocket client-frame parser: any bytes, split at any point, must
// give well-formed events (no crash, no overread, payloads within the cap, text valid UTF-8).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "net/utf8_validator.hpp"
#include "net/ws_frame_parser.hpp"

namespace {

constexpr std::size_t kMax = 4096;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using parley::net::WsFrameParser;
  // The first byte chooses the chunk size, so that incremental parsing is explored too.
  const std::size_t chunk = (data[0] % 16) + 1;
  std::vector<char> bytes(data + 1, data + size);
  WsFrameParser parser(kMax);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t n = std::min(chunk, bytes.size() - pos);
    std::span<char> input(bytes.data() + pos, n);
    pos += n;
    while (true) {
      const auto before = input.size();
      const auto e = parser.parse(input);
      check(input.size() <= before);
      if (e.kind == WsFrameParser::Kind::need_more) {
        check(input.empty());
        break;
      }
      if (e.kind == WsFrameParser::Kind::error) {
        check(e.code == 1002 || e.code == 1003 || e.code == 1007 || e.code == 1009);
        return 0;
      }
      if (e.kind == WsFrameParser::Kind::text) {
        check(e.payload.size() <= kMax);
        check(parley::net::Utf8Validator::valid(e.payload));
      } else {
        check(e.payload.size() <= 125);
      }
    }
  }
  return 0;
}
