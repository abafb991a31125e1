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
  std::vector<domain::Message> changed{sample()};
  auto v = json::parse(joined_frame(std::nullopt, room, {&u, 1}, {missed, true, changed, false}))
               .as_object();
  EXPECT_EQ(v.at("room").at("name"), "\"missed\":[] trap");
  EXPECT_EQ(v.at("missed").as_array().size(), 2u);
  EXPECT_EQ(v.at("changed").as_array().size(), 1u);
  EXPECT_EQ(v.at("online").as_array().size(), 1u);
  EXPECT_EQ(v.at("missed_truncated"), true);
  EXPECT_EQ(v.at("changed_truncated"), false);
}

TEST(Encode, RevIsTheIdUntilTheMessageChanges) {
  auto m = sample();
  EXPECT_EQ(json::parse(message_frame(m)).at("rev"), 42);
  m.rev = 57;
  m.edited_at_ms = 1000;
  m.reactions_json = R"([{"emoji":"👍","count":1,"users":[3]}])";
  m.mentions = {4, 9};
  auto v = json::parse(message_updated_frame(m)).as_object();
  EXPECT_EQ(v.at("type"), "message_updated");
  EXPECT_EQ(v.at("rev"), 57);
  EXPECT_EQ(v.at("edited_at"), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(v.at("reactions").at(0).at("count"), 1);
  EXPECT_EQ(v.at("mentions"), (json::array{4, 9}));
  EXPECT_FALSE(v.contains("deleted"));
  EXPECT_FALSE(v.contains("reply_count"));
}

TEST(Encode, TombstoneKeepsOnlyItsPlace) {
  auto m = sample();
  m.deleted = true;
  m.body = "";
  m.rev = 60;
  m.reply_to = 11;
  m.reply_count = 2;
  m.last_reply_at_ms = 5;
  // Whatever the row still held, none of it is shown.
  m.edited_at_ms = 1000;
  m.reactions_json = "[]";
  m.mentions = {4};
  auto v = json::parse(message_text(m)).as_object();
  for (const char* kept : {"id", "room", "from", "ts", "rev", "client_id", "reply_to",
                           "reply_count", "last_reply_at", "body", "deleted"})
    EXPECT_TRUE(v.contains(kept)) << kept;
  for (const char* gone : {"meta", "reactions", "mentions", "attachments", "edited_at"})
    EXPECT_FALSE(v.contains(gone)) << gone;
  EXPECT_EQ(v.at("body"), "");
  EXPECT_EQ(v.at("deleted"), true);
}

TEST(Encode, UpdatedReadStateReceiptAndMention) {
  auto m = sample();
  m.rev = 50;
  auto updated = json::parse(updated_frame(std::string("r9"), m)).as_object();
  EXPECT_EQ(
      updated,
      (json::object{{"type", "updated"}, {"room", 7}, {"id", 42}, {"rev", 50}, {"ref", "r9"}}));
  domain::ReadState state{7, 42, 3, 1};
  auto read = json::parse(read_state_frame(std::nullopt, state)).as_object();
  EXPECT_EQ(
      read,
      (json::object{
          {"type", "read_state"}, {"room", 7}, {"last_read", 42}, {"unread", 3}, {"mentions", 1}}));
  EXPECT_EQ(json::parse(read_state_text(state)),
            (json::object{{"room", 7}, {"last_read", 42}, {"unread", 3}, {"mentions", 1}}));
  auto receipt = json::parse(receipt_frame(7, 3, "ann", 42)).as_object();
  EXPECT_EQ(receipt.at("user"), (json::object{{"id", 3}, {"username", "ann"}}));
  EXPECT_EQ(receipt.at("last_read"), 42);
  auto mention = json::parse(mention_frame(m)).as_object();
  EXPECT_EQ(mention.at("type"), "mention");
  EXPECT_EQ(mention.at("room"), 7);
  EXPECT_EQ(mention.at("message").at("id"), 42);
}

TEST(Encode, RoomOfAMemberCarriesItsReading) {
  domain::Room room;
  room.id = 7;
  room.joined = true;
  EXPECT_FALSE(room_json(room).contains("unread"));
  room.reading = domain::RoomReading{{7, 40, 2, 1}, std::nullopt};
  auto v = room_json(room);
  EXPECT_EQ(v.at("last_read"), 40);
  EXPECT_EQ(v.at("unread"), 2);
  EXPECT_EQ(v.at("mentions"), 1);
  EXPECT_TRUE(v.at("last_message").is_null());
  room.reading->last_message = sample();
  EXPECT_EQ(room_json(room).at("last_message").at("id"), 42);
}

TEST(Encode, ErrorBody) {
  auto v = json::parse(error_body(ErrorCode::forbidden, "not a member of room 7")).as_object();
  EXPECT_EQ(v.at("error").at("code"), "forbidden");
  EXPECT_EQ(v.at("error").at("message"), "not a member of room 7");
}

}  // namespace
}  // namespace parley::protocol
