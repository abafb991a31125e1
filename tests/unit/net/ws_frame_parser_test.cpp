#include "net/ws_frame_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ws_test_frames.hpp"

namespace parley::net {
namespace {

using test::client_frame;
using test::close_payload;
using test::FrameSpec;
using Kind = WsFrameParser::Kind;

constexpr std::size_t kMax = 64 << 10;

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{kind=" << static_cast<int>(s.kind) << " payload='" << s.payload
            << "' code=" << s.code << "}";
}

// Feeds `bytes` in chunks of `chunk` bytes (0: all at once) and collects events up to an error.
std::vector<Seen> run(std::string bytes, std::size_t chunk, std::size_t max = kMax) {
  WsFrameParser parser(max);
  std::vector<Seen> seen;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t n = chunk == 0 ? bytes.size() - pos : std::min(chunk, bytes.size() - pos);
    std::span<char> input(bytes.data() + pos, n);
    pos += n;
    while (true) {
      const auto e = parser.parse(input);
      if (e.kind == Kind::need_more) break;
      seen.push_back({e.kind, std::string(e.payload), e.code});
      if (e.kind == Kind::error) return seen;
    }
  }
  return seen;
}

struct Case {
  const char* name;
  std::string bytes;
  std::vector<Seen> expected;
};

FrameSpec op(std::uint8_t opcode, bool fin = true) {
  FrameSpec s;
  s.opcode = opcode;
  s.fin = fin;
  return s;
}

std::vector<Case> cases() {
  const std::string big(70'000, 'x');
  const std::string cap(kMax, 'y');
  FrameSpec unmasked;
  unmasked.masked = false;
  FrameSpec rsv1;
  rsv1.rsv = 4;
  FrameSpec rsv3;
  rsv3.rsv = 1;
  FrameSpec long16;
  long16.length_form = 126;
  FrameSpec long64;
  long64.length_form = 127;
  FrameSpec huge;
  huge.length_form = 127;
  huge.declared = 1ULL << 63;
  FrameSpec over;
  over.declared = kMax + 1;
  FrameSpec long_ping = op(0x9);
  long_ping.length_form = 126;
  return {
      {"text", client_frame("hello"), {{Kind::text, "hello", 0}}},
      {"empty text", client_frame(""), {{Kind::text, "", 0}}},
      {"two texts",
       client_frame("a") + client_frame("bc"),
       {{Kind::text, "a", 0}, {Kind::text, "bc", 0}}},
      {"16-bit length",
       client_frame(std::string(300, 'z')),
       {{Kind::text, std::string(300, 'z'), 0}}},
      {"non-minimal 16-bit length accepted", client_frame("hi", long16), {{Kind::text, "hi", 0}}},
      {"non-minimal 64-bit length accepted", client_frame("hi", long64), {{Kind::text, "hi", 0}}},
      {"exactly the cap", client_frame(cap), {{Kind::text, cap, 0}}},
      {"fragmented text",
       client_frame("he", op(0x1, false)) + client_frame("ll", op(0x0, false)) +
           client_frame("o", op(0x0)),
       {{Kind::text, "hello", 0}}},
      {"ping inside a fragmented message",
       client_frame("he", op(0x1, false)) + client_frame("p", op(0x9)) +
           client_frame("llo", op(0x0)),
       {{Kind::ping, "p", 0}, {Kind::text, "hello", 0}}},
      {"ping", client_frame("abc", op(0x9)), {{Kind::ping, "abc", 0}}},
      {"pong", client_frame("", op(0xA)), {{Kind::pong, "", 0}}},
      {"close without code", client_frame("", op(0x8)), {{Kind::close, "", 1005}}},
      {"close with code and reason",
       client_frame(close_payload(1000, "bye"), op(0x8)),
       {{Kind::close, "bye", 1000}}},
      {"close 4000", client_frame(close_payload(4000), op(0x8)), {{Kind::close, "", 4000}}},
      {"close 1013 (registered)",
       client_frame(close_payload(1013), op(0x8)),
       {{Kind::close, "", 1013}}},
      {"unmasked frame", client_frame("hi", unmasked), {{Kind::error, "", 1002}}},
      {"RSV1 set", client_frame("hi", rsv1), {{Kind::error, "", 1002}}},
      {"RSV3 set", client_frame("hi", rsv3), {{Kind::error, "", 1002}}},
      {"opcode 3", client_frame("hi", op(0x3)), {{Kind::error, "", 1002}}},
      {"opcode 0xB", client_frame("", op(0xB)), {{Kind::error, "", 1002}}},
      {"binary", client_frame("hi", op(0x2)), {{Kind::error, "", 1003}}},
      {"fragmented ping", client_frame("p", op(0x9, false)), {{Kind::error, "", 1002}}},
      {"fragmented close", client_frame("", op(0x8, false)), {{Kind::error, "", 1002}}},
      {"ping over 125 bytes",
       client_frame(std::string(126, 'p'), long_ping),
       {{Kind::error, "", 1002}}},
      {"continuation without start", client_frame("x", op(0x0)), {{Kind::error, "", 1002}}},
      {"text while a fragmented message is open",
       client_frame("a", op(0x1, false)) + client_frame("b", op(0x1)),
       {{Kind::error, "", 1002}}},
      {"64-bit length with the top bit set", client_frame("", huge), {{Kind::error, "", 1002}}},
      {"frame over the cap (declared, not buffered)",
       client_frame("", over),
       {{Kind::error, "", 1009}}},
      {"frame over the cap (sent)", client_frame(big), {{Kind::error, "", 1009}}},
      {"reassembled message over the cap",
       client_frame(std::string(40'000, 'a'), op(0x1, false)) +
           client_frame(std::string(40'000, 'b'), op(0x0)),
       {{Kind::error, "", 1009}}},
      {"invalid UTF-8", client_frame("\xC3\x28"), {{Kind::error, "", 1007}}},
      {"UTF-8 truncated at message end", client_frame("ok\xE2\x82"), {{Kind::error, "", 1007}}},
      {"UTF-8 split across fragments",
       client_frame("\xE2\x82", op(0x1, false)) + client_frame("\xAC", op(0x0)),
       {{Kind::text, "\xE2\x82\xAC", 0}}},
      {"invalid UTF-8 in a fragment",
       client_frame("ok\xFF", op(0x1, false)) + client_frame("more", op(0x0)),
       {{Kind::error, "", 1007}}},
      {"close with 1-byte payload", client_frame("\x03", op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 999", client_frame(close_payload(999), op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 1004", client_frame(close_payload(1004), op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 1005", client_frame(close_payload(1005), op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 1006", client_frame(close_payload(1006), op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 1015", client_frame(close_payload(1015), op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 2000", client_frame(close_payload(2000), op(0x8)), {{Kind::error, "", 1002}}},
      {"close code 5000", client_frame(close_payload(5000), op(0x8)), {{Kind::error, "", 1002}}},
      {"close reason not UTF-8",
       client_frame(close_payload(1000, "\xC0\xAF"), op(0x8)),
       {{Kind::error, "", 1007}}},
  };
}

TEST(WsFrameParser, FollowsRfc6455AtAnyChunking) {
  for (const auto& c : cases()) {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{7}}) {
      EXPECT_EQ(run(c.bytes, chunk), c.expected) << c.name << " (chunk " << chunk << ")";
    }
  }
}

TEST(WsFrameParser, ErrorIsSticky) {
  std::string bytes = client_frame("x", op(0x2)) + client_frame("hello");
  WsFrameParser parser(kMax);
  std::span<char> input(bytes.data(), bytes.size());
  EXPECT_EQ(parser.parse(input).code, 1003);
  const auto again = parser.parse(input);
  EXPECT_EQ(again.kind, Kind::error);
  EXPECT_EQ(again.code, 1003);
}

TEST(WsFrameParser, GivesBackLargeBuffersAfterAMessage) {
  std::string big = client_frame(std::string(30'000, 'a'));
  WsFrameParser parser(kMax);
  // Deliver it in two pieces so that it is reassembled rather than passed in place.
  std::span<char> first(big.data(), 100);
  EXPECT_EQ(parser.parse(first).kind, Kind::need_more);
  EXPECT_GT(parser.buffered_bytes(), 0u);
  std::span<char> rest(big.data() + 100, big.size() - 100);
  const auto e = parser.parse(rest);
  ASSERT_EQ(e.kind, Kind::text);
  EXPECT_EQ(e.payload.size(), 30'000u);
  std::span<char> none;
  EXPECT_EQ(parser.parse(none).kind, Kind::need_more);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

}  // namespace
}  // namespace parley::net
