#include "http/ws_subprotocols.hpp"

#include <gtest/gtest.h>

namespace parley::http {
namespace {

OfferedSubprotocols parse(std::vector<std::string_view> values) {
  return parse_subprotocols(values);
}

TEST(WsSubprotocols, FindsParleyAndTheToken) {
  auto offered = parse({"parley.v1, parley.bearer.aaa.bbb.ccc"});
  EXPECT_TRUE(offered.parley_v1);
  EXPECT_EQ(offered.token, "aaa.bbb.ccc");
}

TEST(WsSubprotocols, OrderSpacingAndRepeatedHeadersDoNotMatter) {
  for (auto values : std::vector<std::vector<std::string_view>>{
           {"parley.bearer.t, parley.v1"},
           {"parley.v1,parley.bearer.t"},
           {"  parley.v1 ,\tparley.bearer.t  "},
           {"chat, parley.v1, parley.bearer.t"},
           {"parley.bearer.t", "parley.v1"},
       }) {
    auto offered = parse(values);
    EXPECT_TRUE(offered.parley_v1) << values[0];
    EXPECT_EQ(offered.token, "t") << values[0];
  }
}

TEST(WsSubprotocols, WithoutEitherEntry) {
  auto none = parse({});
  EXPECT_FALSE(none.parley_v1);
  EXPECT_FALSE(none.token);
  auto other = parse({"chat, superchat"});
  EXPECT_FALSE(other.parley_v1);
  EXPECT_FALSE(other.token);
  auto alone = parse({"parley.v1"});
  EXPECT_TRUE(alone.parley_v1);
  EXPECT_FALSE(alone.token);
  // Names are exact: no other version, no case folding, no prefix match.
  EXPECT_FALSE(parse({"parley.v2, PARLEY.V1, parley.v1x"}).parley_v1);
  EXPECT_FALSE(parse({"parley.Bearer.t"}).token);
}

TEST(WsSubprotocols, AnEmptyTokenIsStillAToken) {
  auto offered = parse({"parley.v1, parley.bearer."});
  ASSERT_TRUE(offered.token);
  EXPECT_EQ(*offered.token, "");  // so that the upgrade refuses it, as an empty ?token= is
}

TEST(WsSubprotocols, TheFirstTokenEntryCounts) {
  EXPECT_EQ(parse({"parley.bearer.one, parley.bearer.two"}).token, "one");
}

}  // namespace
}  // namespace parley::http
