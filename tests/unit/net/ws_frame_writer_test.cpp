#include "net/ws_frame_writer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::net {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s.push_back(static_cast<char>(b));
  return s;
}

TEST(WsFrameWriter, SevenBitLength) {
  const auto frame = make_text_frame("hi");
  EXPECT_EQ(*frame, bytes({0x81, 0x02}) + "hi");
  EXPECT_EQ(*make_text_frame(std::string(125, 'a')), bytes({0x81, 125}) + std::string(125, 'a'));
}

TEST(WsFrameWriter, SixteenBitLength) {
  const std::string payload(126, 'b');
  EXPECT_EQ(*make_text_frame(payload), bytes({0x81, 126, 0x00, 126}) + payload);
  const std::string max16(65535, 'c');
  EXPECT_EQ(*make_text_frame(max16), bytes({0x81, 126, 0xFF, 0xFF}) + max16);
}

TEST(WsFrameWriter, SixtyFourBitLength) {
  const std::string payload(65536, 'd');
  EXPECT_EQ(*make_text_frame(payload),
            bytes({0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}) + payload);
  char header[kMaxServerFrameHeader];
  ASSERT_EQ(encode_frame_header(ws_opcode::text, 0x0102030405060708ULL, header), 10u);
  EXPECT_EQ(std::string(header, 10), bytes({0x81, 127, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(WsFrameWriter, ControlFrames) {
  EXPECT_EQ(*make_close_frame(1001, "bye"), bytes({0x88, 5, 0x03, 0xE9}) + "bye");
  EXPECT_EQ(*make_close_frame(1005, "ignored"), bytes({0x88, 0}));
  EXPECT_EQ(*make_frame(ws_opcode::ping, ""), bytes({0x89, 0}));
  EXPECT_EQ(*make_frame(ws_opcode::pong, "x"), bytes({0x8A, 1}) + "x");
}

TEST(WsFrameWriter, CloseReasonFitsAControlFrameOnACodePointBoundary) {
  std::string reason(122, 'a');
  reason += "\xE2\x82\xAC";  // a 3-byte code point straddling the 123-byte limit
  const auto frame = make_close_frame(1000, reason);
  EXPECT_EQ(frame->size(), 2u + 2u + 122u);
}

}  // namespace
}  // namespace parley::net
