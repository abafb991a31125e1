// ChatSession from the inside: authentication (by frame and by the upgrade's token) with frames
// held meanwhile, the worker pool's refusals undone, join with catch-up against live events,
// every write frame's reply and events, read state across one user's connections, typing. Real
// store and writer; fake connection; the test's thread is the network thread (session_harness).
#include "realtime/chat_session.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "session_harness.hpp"

namespace parley::realtime::test {
namespace {

constexpr std::uint16_t kCloseAuthFailed = 4001;
constexpr std::uint16_t kCloseTryAgainLater = 1013;

using ChatSessionTest = SessionHarness;

std::string code_of(const json::object& frame) {
  return frame.contains("code") ? std::string(frame.at("code").as_string()) : std::string();
}

std::vector<std::int64_t> ids_in(const json::object& joined, const char* page) {
  std::vector<std::int64_t> ids;
  for (const auto& m : joined.at(page).as_array()) ids.push_back(m.at("id").as_int64());
  return ids;
}

// --- authentication ---

TEST_F(ChatSessionTest, AuthenticatesByFrameAndAnswersAuthed) {
  domain::User alice = make_user("alice");
  Client& c = open();
  ASSERT_EQ(c.connection->timers.size(), 1u);  // the auth deadline
  EXPECT_EQ(c.connection->timers[0].first.count(), services_.settings.auth_timeout_ms);

  json::object authed = request(c, {{"type", "auth"}, {"token", token_of(alice)}}, "a1");
  EXPECT_EQ(authed.at("type").as_string(), "authed");
  EXPECT_EQ(authed.at("user").at("id").as_int64(), alice.id);
  EXPECT_EQ(authed.at("user").at("username").as_string(), "alice");
  EXPECT_EQ(hub_.presence().connections_of(alice.id), 1u);
  // The deadline passing later changes nothing; a second auth frame is refused.
  c.connection->fire_timers();
  EXPECT_TRUE(c.connection->close_codes.empty());
  json::object again = request(c, {{"type", "auth"}, {"token", token_of(alice)}}, "a2");
  EXPECT_EQ(code_of(again), "bad_request");
  EXPECT_EQ(request(c, {{"type", "ping"}}, "p1").at("type").as_string(), "pong");
}

TEST_F(ChatSessionTest, AuthenticatesByTheUpgradesClaimsWithoutAReply) {
  domain::User alice = make_user("alice");
  Client& c = open(claims_of(alice));
  EXPECT_TRUE(c.connection->timers.empty());  // no deadline: already known
  settle();
  EXPECT_TRUE(c.frames().empty());
  EXPECT_EQ(hub_.presence().connections_of(alice.id), 1u);
  EXPECT_EQ(request(c, {{"type", "ping"}}, "p1").at("type").as_string(), "pong");
  EXPECT_EQ(code_of(request(c, {{"type", "auth"}, {"token", token_of(alice)}}, "a1")),
            "bad_request");
}

TEST_F(ChatSessionTest, RefusesBadTokensUnknownUsersAndLateClients) {
  domain::User alice = make_user("alice");
  Client& bad = open();
  bad.send(json::object{{"type", "auth"}, {"token", "not-a-token"}, {"ref", "a1"}});
  EXPECT_EQ(code_of(bad.reply("a1").value_or(json::object{})), "unauthorized");
  EXPECT_EQ(bad.connection->close_codes, std::vector<std::uint16_t>{kCloseAuthFailed});
  bad.send(json::object{{"type", "ping"}, {"ref", "p1"}});  // ignored once refused
  EXPECT_FALSE(bad.reply("p1").has_value());

  domain::User ghost{alice.id + 100, "ghost", "user", 0};
  Client& unknown = open(claims_of(ghost));
  settle();
  EXPECT_EQ(unknown.connection->close_codes, std::vector<std::uint16_t>{kCloseAuthFailed});

  Client& late = open();
  late.send(json::object{{"type", "ping"}, {"ref", "p1"}});
  EXPECT_EQ(code_of(late.reply("p1").value_or(json::object{})), "unauthorized");
  late.connection->fire_timers();
  EXPECT_EQ(late.connection->close_codes, std::vector<std::uint16_t>{kCloseAuthFailed});
  EXPECT_EQ(hub_.presence().connections_of(alice.id), 0u);
}

TEST_F(ChatSessionTest, FramesSentWhileTheUserLoadsAreHeldThenReplayedInOrder) {
  domain::User alice = make_user("alice");
  domain::Room room = make_room("general", alice);
  Client& c = open(claims_of(alice));  // the user's lookup is submitted; its result is not back
  c.send(json::object{{"type", "ping"}, {"ref", "p1"}});
  c.send(json::object{{"type", "join"}, {"room", room.id}, {"ref", "j1"}});
  c.send(json::object{{"type", "send"}, {"room", room.id}, {"body", "early"}, {"ref", "s1"}});
  c.send(json::object{{"type", "ping"}, {"ref", "p2"}});
  EXPECT_TRUE(c.frames().empty());

  ASSERT_TRUE(
      thread_.run_until([&] { return c.reply("j1").has_value() && c.reply("s1").has_value(); }));
  std::vector<std::string> replies;
  for (const auto& f : c.frames())
    if (f.contains("ref")) replies.emplace_back(f.at("ref").as_string());
  // The pings are answered as they are replayed; the join once the store answered it and the
  // send once committed, which come back from different threads in either order.
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(replies.begin(), replies.begin() + 2),
            (std::vector<std::string>{"p1", "p2"}));
  std::sort(replies.begin() + 2, replies.end());
  EXPECT_EQ(std::vector<std::string>(replies.begin() + 2, replies.end()),
            (std::vector<std::string>{"j1", "s1"}));
  EXPECT_EQ(c.reply("j1")->at("type").as_string(), "joined");
  EXPECT_EQ(c.reply("s1")->at("type").as_string(), "ack");
  EXPECT_EQ(store_.messages_after(room.id, 0, 10).at(0).body, "early");
}

TEST_F(ChatSessionTest, FramesAfterAnAuthFrameWaitForItsAnswer) {
  domain::User alice = make_user("alice");
  Client& c = open();
  c.send(json::object{{"type", "auth"}, {"token", token_of(alice)}, {"ref", "a1"}});
  c.send(json::object{{"type", "ping"}, {"ref", "p1"}});
  EXPECT_TRUE(c.frames().empty());
  settle();
  EXPECT_EQ(c.types(), (std::vector<std::string>{"authed", "pong"}));
}

TEST_F(ChatSessionTest, ARefusedUserLookupByFrameLetsTheClientTryAgain) {
  domain::User alice = make_user("alice");
  WorkerPool full(1, 0);  // no queue room: refuses everything
  Services busy{store_, writer_, jwt_, full, hub_, {}, nullptr};
  Client& c = open(std::nullopt, &busy);

  c.send(json::object{{"type", "auth"}, {"token", token_of(alice)}, {"ref", "a1"}});
  EXPECT_EQ(code_of(c.reply("a1").value_or(json::object{})), "unavailable");
  EXPECT_TRUE(c.connection->close_codes.empty());
  // Not stuck loading: a frame is answered (not held), and another auth frame is taken.
  c.send(json::object{{"type", "ping"}, {"ref", "p1"}});
  EXPECT_EQ(code_of(c.reply("p1").value_or(json::object{})), "unauthorized");
  c.send(json::object{{"type", "auth"}, {"token", token_of(alice)}, {"ref", "a2"}});
  EXPECT_EQ(code_of(c.reply("a2").value_or(json::object{})), "unavailable");
  settle();
  EXPECT_EQ(hub_.presence().connections_of(alice.id), 0u);
  // The deadline still stands.
  c.connection->fire_timers();
  EXPECT_EQ(c.connection->close_codes, std::vector<std::uint16_t>{kCloseAuthFailed});
}

TEST_F(ChatSessionTest, ARefusedUserLookupByTheUpgradeClosesTryAgainLater) {
  domain::User alice = make_user("alice");
  WorkerPool stopped(1);
  stopped.stop();
  Services busy{store_, writer_, jwt_, stopped, hub_, {}, nullptr};
  Client& c = open(claims_of(alice), &busy);
  EXPECT_EQ(c.connection->close_codes, std::vector<std::uint16_t>{kCloseTryAgainLater});
  ASSERT_EQ(c.frames().size(), 1u);
  EXPECT_EQ(code_of(c.frames()[0]), "unavailable");
  // Frames the client pipelined before the close are not held for a user that never loads.
  c.send(json::object{{"type", "ping"}, {"ref", "p1"}});
  EXPECT_EQ(code_of(c.reply("p1").value_or(json::object{})), "unauthorized");
}

// --- join ---

TEST_F(ChatSessionTest, ARefusedJoinUndoesItsSubscription) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", bob);
  Client& a = ready(alice);
  Client& b = ready(bob);
  joined(b, room, "j0");
  workers_.stop();  // from now on the pool refuses

  json::object refused = request(a, {{"type", "join"}, {"room", room.id}}, "j1");
  EXPECT_EQ(code_of(refused), "unavailable");
  EXPECT_EQ(hub_.shard(0).subscriber_count(room.id), 1u);  // bob only
  // Not "already in progress" (bad_request): the pending join is gone.
  EXPECT_EQ(code_of(request(a, {{"type", "join"}, {"room", room.id}}, "j2")), "unavailable");
  EXPECT_EQ(hub_.shard(0).subscriber_count(room.id), 1u);

  request(b, {{"type", "send"}, {"room", room.id}, {"body", "hello"}}, "s1");
  ASSERT_TRUE(thread_.run_until([&] { return !b.of_type("message").empty(); }));
  EXPECT_TRUE(a.of_type("message").empty());
  EXPECT_TRUE(a.of_type("presence").empty());
}

TEST_F(ChatSessionTest, ARefusedRepeatedJoinKeepsTheLiveSubscription) {
  domain::User alice = make_user("alice");
  domain::Room room = make_room("general", alice);
  Client& a = ready(alice);
  joined(a, room, "j1");
  workers_.stop();
  EXPECT_EQ(code_of(request(a, {{"type", "join"}, {"room", room.id}}, "j2")), "unavailable");
  committed(store::NewMessage{room.id, alice.id, "still live", {}, {}, {}}, alice);
  settle();
  ASSERT_EQ(a.of_type("message").size(), 1u);
  EXPECT_EQ(a.of_type("message")[0].at("body").as_string(), "still live");
}

TEST_F(ChatSessionTest, JoinWithSinceShowsMissedAndChangedAndDropsWhatItCovered) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", bob);
  domain::Message m1 = stored(room, bob, "m1");
  domain::Message m2 = stored(room, bob, "m2");
  Client& a = ready(alice);
  // Committed before the join's snapshot, delivered after it: the events wait on the network
  // thread while the join is answered.
  auto edit = committed(store::EditMessage{room.id, m1.id, bob.id, "m1 edited", false, {}}, bob);
  auto m3 = committed(store::NewMessage{room.id, bob.id, "m3", {}, {}, {}}, bob).message;

  a.send(json::object{{"type", "join"}, {"room", room.id}, {"since", m2.id}, {"ref", "j1"}});
  settle();
  ASSERT_TRUE(a.reply("j1").has_value());
  json::object reply = *a.reply("j1");
  EXPECT_EQ(ids_in(reply, "missed"), (std::vector{m3.id}));
  EXPECT_EQ(ids_in(reply, "changed"), (std::vector{m1.id}));
  EXPECT_EQ(reply.at("changed").as_array()[0].at("body").as_string(), "m1 edited");
  EXPECT_EQ(reply.at("changed").as_array()[0].at("rev").as_int64(), edit.message.rev);
  EXPECT_FALSE(reply.at("missed_truncated").as_bool());
  EXPECT_FALSE(reply.at("changed_truncated").as_bool());
  // The buffered `message_updated` and `message` were in the reply: not sent again.
  EXPECT_EQ(a.types(), (std::vector<std::string>{"joined"}));

  auto m4 = committed(store::NewMessage{room.id, bob.id, "m4", {}, {}, {}}, bob).message;
  settle();
  ASSERT_EQ(a.of_type("message").size(), 1u);
  EXPECT_EQ(a.of_type("message")[0].at("id").as_int64(), m4.id);
  EXPECT_TRUE(store_.is_member(room.id, alice.id));  // a public room joined is a membership
}

TEST_F(ChatSessionTest, ATruncatedJoinSendsTheBufferedEventsItDidNotShow) {
  services_.settings.missed_max = 2;
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", bob);
  domain::Message m1 = stored(room, bob, "m1");
  domain::Message m2 = stored(room, bob, "m2");
  Client& a = ready(alice);
  auto m3 = committed(store::NewMessage{room.id, bob.id, "m3", {}, {}, {}}, bob).message;
  auto m4 = committed(store::NewMessage{room.id, bob.id, "m4", {}, {}, {}}, bob).message;
  auto m5 = committed(store::NewMessage{room.id, bob.id, "m5", {}, {}, {}}, bob).message;

  a.send(json::object{{"type", "join"}, {"room", room.id}, {"since", m1.id}, {"ref", "j1"}});
  settle();
  ASSERT_TRUE(a.reply("j1").has_value());
  EXPECT_EQ(ids_in(*a.reply("j1"), "missed"), (std::vector{m2.id, m3.id}));
  EXPECT_TRUE(a.reply("j1")->at("missed_truncated").as_bool());
  // Covered up to m3: the buffered m3 is dropped, m4 and m5 follow the reply in order.
  EXPECT_EQ(a.types(), (std::vector<std::string>{"joined", "message", "message"}));
  auto messages = a.of_type("message");
  EXPECT_EQ(messages[0].at("id").as_int64(), m4.id);
  EXPECT_EQ(messages[1].at("id").as_int64(), m5.id);
}

TEST_F(ChatSessionTest, JoiningAPrivateRoomOfOthersIsNotFound) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room secret = make_room("secret", bob, true);
  Client& a = ready(alice);
  EXPECT_EQ(code_of(request(a, {{"type", "join"}, {"room", secret.id}}, "j1")), "not_found");
  EXPECT_EQ(code_of(request(a, {{"type", "join"}, {"room", secret.id + 100}}, "j2")), "not_found");
  EXPECT_EQ(hub_.shard(0).subscriber_count(secret.id), 0u);
  EXPECT_FALSE(store_.is_member(secret.id, alice.id));
}

// --- writes ---

TEST_F(ChatSessionTest, WriteFramesAreAnsweredOnceCommittedAndReachTheRoom) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", alice);
  Client& a = ready(alice);
  Client& b = ready(bob);
  joined(a, room, "ja");
  joined(b, room, "jb");

  json::object ack = request(a, {{"type", "send"}, {"room", room.id}, {"body", "hi"}}, "s1");
  ASSERT_EQ(ack.at("type").as_string(), "ack");
  const std::int64_t id = ack.at("id").as_int64();
  EXPECT_EQ(ack.at("room").as_int64(), room.id);

  json::object edited =
      request(a, {{"type", "edit"}, {"room", room.id}, {"id", id}, {"body", "hi!"}}, "e1");
  ASSERT_EQ(edited.at("type").as_string(), "updated");
  EXPECT_EQ(edited.at("id").as_int64(), id);
  const std::int64_t edit_rev = edited.at("rev").as_int64();
  EXPECT_GT(edit_rev, id);

  json::object react = {
      {"type", "react"}, {"room", room.id}, {"id", id}, {"emoji", "👍"}, {"on", true}};
  json::object reacted = request(b, react, "r1");
  ASSERT_EQ(reacted.at("type").as_string(), "updated");
  const std::int64_t react_rev = reacted.at("rev").as_int64();
  EXPECT_GT(react_rev, edit_rev);
  json::object repeated = request(b, react, "r2");  // no change: the same rev, no event
  EXPECT_EQ(repeated.at("type").as_string(), "updated");
  EXPECT_EQ(repeated.at("rev").as_int64(), react_rev);

  json::object del = {{"type", "delete"}, {"room", room.id}, {"id", id}};
  json::object deleted = request(a, del, "d1");
  ASSERT_EQ(deleted.at("type").as_string(), "updated");
  const std::int64_t delete_rev = deleted.at("rev").as_int64();
  EXPECT_GT(delete_rev, react_rev);
  EXPECT_EQ(request(a, del, "d2").at("rev").as_int64(), delete_rev);
  settle();

  // Both subscribers, the acting one included, saw the message and each change once, in order.
  for (Client* c : {&a, &b}) {
    std::vector<std::pair<std::string, std::int64_t>> events;
    for (const auto& f : c->frames()) {
      const auto type = std::string(f.at("type").as_string());
      if (type == "message") events.emplace_back(type, f.at("id").as_int64());
      if (type == "message_updated") events.emplace_back(type, f.at("rev").as_int64());
    }
    EXPECT_EQ(events,
              (std::vector<std::pair<std::string, std::int64_t>>{{"message", id},
                                                                 {"message_updated", edit_rev},
                                                                 {"message_updated", react_rev},
                                                                 {"message_updated", delete_rev}}));
    auto updates = c->of_type("message_updated");
    EXPECT_EQ(updates[0].at("body").as_string(), "hi!");
    EXPECT_EQ(updates[1].at("reactions").as_array().size(), 1u);
    EXPECT_TRUE(updates[2].at("deleted").as_bool());
    EXPECT_EQ(updates[2].at("body").as_string(), "");
  }
}

TEST_F(ChatSessionTest, RefusedWritesGetTheContractsErrors) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", alice);
  domain::Room secret = make_room("secret", alice, true);
  domain::Room other = make_room("other", alice);
  ASSERT_TRUE(store_.add_member(room.id, bob.id, kNow));
  domain::Message alices = stored(room, alice, "alice's");
  domain::Message gone = stored(room, bob, "gone");
  domain::Message elsewhere = stored(other, alice, "elsewhere");
  ASSERT_EQ(committed(store::DeleteMessage{room.id, gone.id, bob.id}, bob).status,
            store::WriteStatus::changed);
  Client& b = ready(bob);
  const std::int64_t room_id = room.id;

  auto error = [&](json::object frame, const std::string& ref) {
    return code_of(request(b, std::move(frame), ref));
  };
  EXPECT_EQ(error({{"type", "edit"}, {"room", room_id}, {"id", alices.id}, {"body", "x"}}, "e1"),
            "forbidden");
  EXPECT_EQ(error({{"type", "edit"}, {"room", room_id}, {"id", gone.id}, {"body", "x"}}, "e2"),
            "conflict");
  EXPECT_EQ(error({{"type", "edit"}, {"room", room_id}, {"id", elsewhere.id}, {"body", "x"}}, "e3"),
            "not_found");
  EXPECT_EQ(error({{"type", "delete"}, {"room", room_id}, {"id", alices.id}}, "d1"), "forbidden");
  EXPECT_EQ(
      error({{"type", "react"}, {"room", room_id}, {"id", gone.id}, {"emoji", "👍"}, {"on", false}},
            "r1"),
      "conflict");
  EXPECT_EQ(
      error({{"type", "send"}, {"room", room_id}, {"body", "x"}, {"reply_to", gone.id}}, "s1"),
      "bad_request");
  EXPECT_EQ(error({{"type", "send"}, {"room", secret.id}, {"body", "x"}}, "s2"), "not_found");
  EXPECT_EQ(error({{"type", "send"}, {"room", other.id}, {"body", "x"}}, "s3"), "forbidden");
  EXPECT_EQ(error({{"type", "read"}, {"room", other.id}, {"up_to", 1}}, "r2"), "forbidden");
  EXPECT_EQ(
      error(
          {{"type", "react"}, {"room", room_id}, {"id", alices.id}, {"emoji", "a b"}, {"on", true}},
          "r3"),
      "bad_request");
  // Nothing changed, and the connection is still open.
  EXPECT_EQ(store_.find_message(room.id, alices.id)->rev, 0);
  EXPECT_EQ(store_.count_messages(), 3);
  EXPECT_TRUE(b.connection->close_codes.empty());
}

TEST_F(ChatSessionTest, AReplyIsFollowedByItsParentsUpdate) {
  domain::User alice = make_user("alice");
  domain::Room room = make_room("general", alice);
  domain::Message parent = stored(room, alice, "parent");
  Client& a = ready(alice);
  joined(a, room, "j1");
  json::object ack = request(
      a, {{"type", "send"}, {"room", room.id}, {"body", "reply"}, {"reply_to", parent.id}}, "s1");
  ASSERT_EQ(ack.at("type").as_string(), "ack");
  settle();
  auto message = a.of_type("message");
  auto updated = a.of_type("message_updated");
  ASSERT_EQ(message.size(), 1u);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(message[0].at("reply_to").as_int64(), parent.id);
  EXPECT_EQ(updated[0].at("id").as_int64(), parent.id);
  EXPECT_EQ(updated[0].at("reply_count").as_int64(), 1);
  EXPECT_GT(updated[0].at("rev").as_int64(), message[0].at("id").as_int64());
  auto types = a.types();
  EXPECT_LT(std::find(types.begin(), types.end(), "message"),
            std::find(types.begin(), types.end(), "message_updated"));
}

TEST_F(ChatSessionTest, AMentionReachesTheUserWhereverConnected) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", alice);
  ASSERT_TRUE(store_.add_member(room.id, bob.id, kNow));
  Client& a = ready(alice);
  Client& b = ready(bob);  // connected, not subscribed to the room
  request(a, {{"type", "send"}, {"room", room.id}, {"body", "hey @bob"}}, "s1");
  ASSERT_TRUE(thread_.run_until([&] { return !b.of_type("mention").empty(); }));
  json::object mention = b.of_type("mention")[0];
  EXPECT_EQ(mention.at("room").as_int64(), room.id);
  EXPECT_EQ(mention.at("message").at("body").as_string(), "hey @bob");
  EXPECT_TRUE(a.of_type("mention").empty());
  EXPECT_TRUE(b.of_type("message").empty());
}

// --- read state ---

TEST_F(ChatSessionTest, AReadIsAnsweredAndToldToTheUsersOtherConnectionsOnly) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", bob);
  ASSERT_TRUE(store_.add_member(room.id, alice.id, kNow));
  stored(room, bob, "one");
  domain::Message two = stored(room, bob, "two @alice");
  Client& phone = ready(alice);
  Client& laptop = ready(alice);  // another device, not subscribed to the room
  Client& b = ready(bob);

  json::object reply =
      request(phone, {{"type", "read"}, {"room", room.id}, {"up_to", two.id}}, "r1");
  ASSERT_EQ(reply.at("type").as_string(), "read_state");
  EXPECT_EQ(reply.at("room").as_int64(), room.id);
  EXPECT_EQ(reply.at("last_read").as_int64(), two.id);
  EXPECT_EQ(reply.at("unread").as_int64(), 0);
  EXPECT_EQ(reply.at("mentions").as_int64(), 0);
  ASSERT_TRUE(thread_.run_until([&] { return !laptop.of_type("read_state").empty(); }));
  settle();
  json::object told = laptop.of_type("read_state")[0];
  EXPECT_FALSE(told.contains("ref"));
  EXPECT_EQ(told.at("last_read").as_int64(), two.id);
  EXPECT_EQ(phone.of_type("read_state").size(), 1u);  // its reply, not the event as well
  EXPECT_TRUE(b.of_type("read_state").empty());

  // A position behind changes nothing: answered, told to no one.
  json::object behind =
      request(phone, {{"type", "read"}, {"room", room.id}, {"up_to", two.id - 1}}, "r2");
  EXPECT_EQ(behind.at("last_read").as_int64(), two.id);
  settle();
  EXPECT_EQ(laptop.of_type("read_state").size(), 1u);
}

TEST_F(ChatSessionTest, ReceiptsReachTheRoomsSubscribers) {
  std::vector<std::function<void()>> held;
  ReceiptThrottle receipts(
      [this](std::int64_t room_id, std::int64_t user_id, const std::string& username,
             std::int64_t last_read) {
        publish_receipt(hub_, room_id, user_id, username, last_read);
      },
      [&](std::chrono::milliseconds, std::function<void()> task) {
        held.push_back(std::move(task));
      },
      [] { return std::int64_t{0}; });
  services_.receipts = &receipts;
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room room = make_room("general", bob);
  ASSERT_TRUE(store_.add_member(room.id, alice.id, kNow));
  domain::Message m = stored(room, bob, "read me");
  Client& a = ready(alice);
  Client& b = ready(bob);
  joined(b, room, "j1");
  request(a, {{"type", "read"}, {"room", room.id}, {"up_to", m.id}}, "r1");
  ASSERT_TRUE(thread_.run_until([&] { return !b.of_type("receipt").empty(); }));
  json::object receipt = b.of_type("receipt")[0];
  EXPECT_EQ(receipt.at("room").as_int64(), room.id);
  EXPECT_EQ(receipt.at("user").at("id").as_int64(), alice.id);
  EXPECT_EQ(receipt.at("user").at("username").as_string(), "alice");
  EXPECT_EQ(receipt.at("last_read").as_int64(), m.id);
  EXPECT_TRUE(a.of_type("receipt").empty());  // not subscribed
  writer_.stop();  // before `receipts` goes: the writer's callbacks use it
}

// --- typing ---

TEST_F(ChatSessionTest, TypingInARoomNotSubscribedToIsRefused) {
  domain::User alice = make_user("alice");
  domain::User bob = make_user("bob");
  domain::Room open_room = make_room("open", bob);
  domain::Room secret = make_room("secret", bob, true);
  domain::Room mine = make_room("mine", alice);
  Client& a = ready(alice);
  Client& b = ready(bob);
  joined(b, mine, "jb");  // (not a member: a public room joined over the socket)

  EXPECT_EQ(code_of(request(a, {{"type", "typing"}, {"room", open_room.id}}, "t1")), "forbidden");
  EXPECT_EQ(code_of(request(a, {{"type", "typing"}, {"room", secret.id}}, "t2")), "not_found");
  EXPECT_EQ(code_of(request(a, {{"type", "typing"}, {"room", secret.id + 100}}, "t3")),
            "not_found");
  // A member who has not joined over this connection is refused as well.
  EXPECT_EQ(code_of(request(a, {{"type", "typing"}, {"room", mine.id}}, "t4")), "forbidden");
  settle();
  EXPECT_TRUE(b.of_type("typing").empty());

  joined(a, mine, "ja");
  a.send(json::object{{"type", "typing"}, {"room", mine.id}, {"ref", "t5"}});
  settle();
  EXPECT_FALSE(a.reply("t5").has_value());  // typing has no reply
  ASSERT_EQ(b.of_type("typing").size(), 1u);
  EXPECT_EQ(b.of_type("typing")[0].at("user").at("id").as_int64(), alice.id);
  EXPECT_TRUE(a.of_type("typing").empty());  // not to the typist
}

}  // namespace
}  // namespace parley::realtime::test
