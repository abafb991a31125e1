#include "protocol/encode.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace parley::protocol {
namespace {

namespace json = boost::json;

domain::Message sample() {
  domain::Message m;
  m.id = 42;
  m.room_id = 7;
  m.user_id = 3;
  m.username = "ann";
  m.body = "he said \"hi\"\n<script>";
  m.ts_ms = 0;
  m.client_id = "c-1";
  m.meta_json = R"({"reply_to":5})";
  return m;
}

TEST(Encode, MessageFrameIsValidJsonWithEveryField) {
  auto v = json::parse(message_frame(sample())).as_object();
  EXPECT_EQ(v.at("type"), "message");
  EXPECT_EQ(v.at("id"), 42);
  EXPECT_EQ(v.at("room"), 7);
  EXPECT_EQ(v.at("from").at("username"), "ann");
  EXPECT_EQ(v.at("body"), "he said \"hi\"\n<script>");
  EXPECT_EQ(v.at("ts"), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(v.at("client_id"), "c-1");
  EXPECT_EQ(v.at("meta").at("reply_to"), 5);
}

TEST(Encode, OptionalFieldsAreOmitted) {
  auto m = sample();
  m.client_id.reset();
  m.meta_json.reset();
  auto v = json::parse(message_frame(m)).as_object();
  EXPECT_FALSE(v.contains("client_id"));
  EXPECT_FALSE(v.contains("meta"));
}

TEST(Encode, AckCarriesRefAndClientId) {
  auto v = json::parse(ack_frame(std::string("r1"), sample())).as_object();
  EXPECT_EQ(v.at("type"), "ack");
  EXPECT_EQ(v.at("ref"), "r1");
  EXPECT_EQ(v.at("id"), 42);
  EXPECT_EQ(v.at("room"), 7);
  EXPECT_EQ(v.at("client_id"), "c-1");
}

TEST(Encode, JoinedSplicesMissedMessages) {
  domain::Room room;
  room.id = 7;
  room.name = "\"missed\":[] trap";
  domain::User u{3, "ann", "user", 0};
  std::vector<domain::Message> missed{sample(), sample()};
  auto v = json::parse(joined_frame(std::nullopt, room, {&u, 1}, missed, true)).as_object();
  EXPECT_EQ(v.at("room").at("name"), "\"missed\":[] trap");
  EXPECT_EQ(v.at("missed").as_array().size(), 2u);
  EXPECT_EQ(v.at("online").as_array().size(), 1u);
  EXPECT_EQ(v.at("missed_truncated"), true);
}

TEST(Encode, ErrorBody) {
  auto v = json::parse(error_body(ErrorCode::forbidden, "not a member of room 7")).as_object();
  EXPECT_EQ(v.at("error").at("code"), "forbidden");
  EXPECT_EQ(v.at("error").at("message"), "not a member of room 7");
}

}  // namespace
}  // namespace parley::protocol
