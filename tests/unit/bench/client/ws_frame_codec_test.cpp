#include "client/ws_frame_codec.hpp"

#include <gtest/gtest.h>

#include <string>

namespace parley::bench {
namespace {

std::string unmask(std::string_view frame, std::size_t header) {
  const auto* key = reinterpret_cast<const unsigned char*>(frame.data() + header - 4);
  std::string out;
  for (std::size_t i = header; i < frame.size(); ++i)
    out += static_cast<char>(static_cast<unsigned char>(frame[i]) ^ key[(i - header) & 3]);
  return out;
}

TEST(WsFrameCodec, ClientFramesAreMaskedWithTheRightLengthEncoding) {
  for (std::size_t n : {0u, 5u, 125u, 126u, 65535u, 65536u}) {
    const std::string payload(n, 'p');
    std::string out;
    WsFrameCodec::append_client_frame(out, WsOpcode::text, payload, 0xA1B2C3D4u);
    const auto* p = reinterpret_cast<const unsigned char*>(out.data());
    EXPECT_EQ(p[0], 0x81);
    EXPECT_TRUE(p[1] & 0x80) << "client frames must be masked";
    const std::size_t header = n < 126 ? 6 : n <= 0xFFFF ? 8 : 14;
    ASSERT_EQ(out.size(), header + n);
    EXPECT_EQ(unmask(out, header), payload) << n;
  }
}

TEST(WsFrameCodec, ParsesServerFramesAndWaitsForMore) {
  std::string data;
  data += static_cast<char>(0x81);
  data += static_cast<char>(126);
  data += static_cast<char>(0x01);
  data += static_cast<char>(0x00);  // 256 bytes
  data += std::string(256, 'x');
  data += "\x89\x02hi";  // a ping after it
  WsFrame f;
  std::size_t used = 0;
  EXPECT_EQ(WsFrameCodec::parse_server_frame(std::string_view(data).substr(0, 100), f, used),
            WsParse::incomplete);
  ASSERT_EQ(WsFrameCodec::parse_server_frame(data, f, used), WsParse::complete);
  EXPECT_EQ(used, 260u);
  EXPECT_EQ(f.opcode, WsOpcode::text);
  EXPECT_EQ(f.payload.size(), 256u);
  ASSERT_EQ(WsFrameCodec::parse_server_frame(std::string_view(data).substr(used), f, used),
            WsParse::complete);
  EXPECT_EQ(f.opcode, WsOpcode::ping);
  EXPECT_EQ(f.payload, "hi");
}

TEST(WsFrameCodec, RejectsMaskedOrReservedServerFrames) {
  WsFrame f;
  std::size_t used = 0;
  EXPECT_EQ(WsFrameCodec::parse_server_frame("\x81\x81"
                                             "abcdx",
                                             f, used),
            WsParse::invalid);
  EXPECT_EQ(WsFrameCodec::parse_server_frame("\xC1\x01x", f, used), WsParse::invalid);
}

}  // namespace
}  // namespace parley::bench
