#include "client/json_fields.hpp"

#include <gtest/gtest.h>

namespace parley::bench {
namespace {

TEST(JsonFields, ReadsAMessageFrameSkippingNestedIds) {
  JsonFields f;
  ASSERT_TRUE(f.parse(R"({"type":"message","id":42,"room":7,"from":{"id":3,"username":"a"},)"
                      R"("body":"1 2 3 xx","ts":"2026-01-01T00:00:00.000Z","client_id":"c.1"})"));
  EXPECT_EQ(f.type, "message");
  ASSERT_TRUE(f.id);
  EXPECT_EQ(*f.id, 42);  // not the nested from.id
  EXPECT_EQ(f.body, "1 2 3 xx");
  EXPECT_EQ(f.client_id, "c.1");
  EXPECT_EQ(f.room_raw, "7");
}

TEST(JsonFields, HandlesEscapesWhitespaceAndArrays) {
  JsonFields f;
  ASSERT_TRUE(f.parse(R"( { "type" : "error", "message":"a \"quoted\" } {", "list":[1,{"id":9}],)"
                      R"( "code":"rate_limited", "ref":"s" } )"));
  EXPECT_EQ(f.type, "error");
  EXPECT_EQ(f.code, "rate_limited");
  EXPECT_EQ(f.ref, "s");
  EXPECT_FALSE(f.id);
}

TEST(JsonFields, RawDataAndNumbers) {
  JsonFields f;
  ASSERT_TRUE(f.parse(R"({"type":"notification","event":"e","data":{"t":123},"delivered":5})"));
  EXPECT_EQ(f.data, R"({"t":123})");
  ASSERT_TRUE(f.delivered);
  EXPECT_EQ(*f.delivered, 5);
}

TEST(JsonFields, RejectsMalformed) {
  JsonFields f;
  EXPECT_FALSE(f.parse(""));
  EXPECT_FALSE(f.parse("[1]"));
  EXPECT_FALSE(f.parse(R"({"type":"x")"));
  EXPECT_FALSE(f.parse(R"({"type":"x",})"));
  EXPECT_FALSE(f.parse(R"({"a":"unterminated})"));
}

}  // namespace
}  // namespace parley::bench
