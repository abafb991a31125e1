#include "net/ws_handshake.hpp"

#include <gtest/gtest.h>

namespace parley::net {
namespace {

TEST(WsHandshake, AcceptKeyMatchesRfc6455Example) {
  EXPECT_EQ(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, ValidatesKeys) {
  EXPECT_TRUE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_FALSE(valid_websocket_key(""));
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ"));
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25j!Q=="));
  EXPECT_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ==AA"));
}

}  // namespace
}  // namespace parley::net
