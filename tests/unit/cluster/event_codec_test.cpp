#include "cluster/event_codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "net/ws_connection.hpp"

namespace parley::cluster {
namespace {

using realtime::Delivery;
using realtime::RemoteEvent;

TEST(EventCodec, FramePayloadStripsEveryHeaderSize) {
  for (std::size_t size : {0u, 5u, 125u, 126u, 200u, 65535u, 65536u, 70000u}) {
    std::string text(size, 'x');
    auto frame = net::make_text_frame(text);
    EXPECT_EQ(frame_payload(*frame), text) << size;
  }
}

TEST(EventCodec, RoomMessageRoundTrips) {
  RemoteEvent event;
  event.target = RemoteEvent::Target::room;
  // Every field set, even those a message does not use, to see which ones travel.
  event.delivery =
      Delivery{.kind = Delivery::Kind::room_event,
               .room_id = 7,
               .position = 42,
               .exclude_user = 3,
               .committed_us = 123,
               .frame = net::make_text_frame(R"({"type":"message","body":"h\u00e9"})")};
  auto decoded = decode_event(encode_event("abc", event));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->origin, "abc");
  EXPECT_EQ(decoded->event.target, RemoteEvent::Target::room);
  EXPECT_EQ(decoded->event.delivery.kind, Delivery::Kind::room_event);
  EXPECT_EQ(decoded->event.delivery.room_id, 7);
  EXPECT_EQ(decoded->event.delivery.position, 42);
  EXPECT_EQ(decoded->event.delivery.exclude_user, 3);
  EXPECT_EQ(decoded->event.delivery.committed_us, 0);  // monotonic time means nothing elsewhere
  ASSERT_TRUE(decoded->event.delivery.frame);
  EXPECT_EQ(*decoded->event.delivery.frame, *event.delivery.frame);
}

TEST(EventCodec, UsersRoleAndMembershipEventsRoundTrip) {
  RemoteEvent event;
  event.target = RemoteEvent::Target::role_change;
  event.user_ids = {12, 13};
  event.role = "admin";
  auto decoded = decode_event(encode_event("i", event));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->event.target, RemoteEvent::Target::role_change);
  EXPECT_EQ(decoded->event.user_ids, (std::vector<std::int64_t>{12, 13}));
  EXPECT_EQ(decoded->event.role, "admin");
  EXPECT_FALSE(decoded->event.delivery.frame);
}

TEST(EventCodec, EndedSessionsRoundTrip) {
  RemoteEvent event;
  event.target = RemoteEvent::Target::sessions_ended;
  event.user_ids = {12};
  event.session_ids = {40, 41, 9'007'199'254'740'991};
  auto decoded = decode_event(encode_event("i", event));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->event.target, RemoteEvent::Target::sessions_ended);
  EXPECT_EQ(decoded->event.user_ids, (std::vector<std::int64_t>{12}));
  EXPECT_EQ(decoded->event.session_ids, event.session_ids);
  // Other events carry none.
  RemoteEvent other;
  other.target = RemoteEvent::Target::users;
  other.user_ids = {1};
  EXPECT_TRUE(decode_event(encode_event("i", other))->event.session_ids.empty());
  // Ill-typed ids are skipped, not trusted.
  auto odd =
      decode_event(R"({"origin":"a","target":"sessions_ended","kind":"message","user_ids":[3],)"
                   R"("session_ids":["5",6.5,7]})");
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->event.session_ids, (std::vector<std::int64_t>{7}));
}

TEST(EventCodec, RejectsMalformedPayloads) {
  for (const char* bad : {"", "nope", "[]", R"({"target":"room","kind":"message"})",
                          R"({"origin":"a","target":"moon","kind":"message"})",
                          R"({"origin":"a","target":"room","kind":"shout"})",
                          R"({"origin":1,"target":"room","kind":"message"})"})
    EXPECT_FALSE(decode_event(bad)) << bad;
}

TEST(EventCodec, CommitBatchRoundTripsWithItsPlaceInTheChain) {
  realtime::OrderedBatch batch;
  batch.after = 100;
  batch.through = 103;
  batch.events.push_back(
      Delivery::room_event(7, 101, 55, net::make_text_frame(R"({"type":"message","id":101})")));
  batch.events.push_back(Delivery::room_event(
      8, 103, 55, net::make_text_frame(R"({"type":"message_updated","id":9})")));
  auto decoded = decode_event(encode_batch("abc", batch));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->origin, "abc");
  ASSERT_TRUE(decoded->batch);
  EXPECT_EQ(decoded->batch->after, 100);
  EXPECT_EQ(decoded->batch->through, 103);
  ASSERT_EQ(decoded->batch->events.size(), 2u);
  const Delivery& second = decoded->batch->events[1];
  EXPECT_EQ(second.kind, Delivery::Kind::room_event);
  EXPECT_EQ(second.room_id, 8);
  EXPECT_EQ(second.position, 103);
  EXPECT_EQ(second.committed_us, 0);  // a commit time means nothing on another machine
  EXPECT_EQ(frame_payload(*second.frame), R"({"type":"message_updated","id":9})");
}

TEST(EventCodec, ABatchWithAnEventWithoutFrameIsRefused) {
  EXPECT_FALSE(decode_event(
      R"({"origin":"a","target":"batch","after":1,"through":2,"events":[{"room":1,"position":2}]})"));
  EXPECT_FALSE(decode_event(R"({"origin":"a","target":"batch","after":1,"through":2})"));
}

}  // namespace
}  // namespace parley::cluster
