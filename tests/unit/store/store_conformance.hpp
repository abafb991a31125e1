#pragma once
// The Store conformance suite: behaviour every Store implementation must show. The tests live in
// store_conformance_test.cpp; each backend instantiates them once with a factory, e.g.
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//                            ::testing::Values(StoreBackend{"Sqlite", make_sqlite}),
//                            backend_name);
// The factory returns a fresh, empty store per test, or nullptr to skip (backend not available).

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace parley::store::test {

using domain::Member;
using domain::Message;
using domain::Room;
using domain::User;

// A named way to make empty stores of one implementation.
struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<Store>()> make;
};

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// Fixture: a fresh store per test plus small helpers to build fixtures.
class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  static constexpr std::int64_t kNow = 1'700'000'000'000;

  void SetUp() override {
    store_ = GetParam().make();
    if (!store_) GTEST_SKIP() << GetParam().name << " store not available";
  }
  void TearDown() override { store_.reset(); }

  Store& store() { return *store_; }

  User make_user(const std::string& name) {
    auto user = store().create_user(name, "hash-" + name, kNow);
    EXPECT_TRUE(user.has_value()) << name;
    return user.value_or(User{});
  }

  Room make_room(const std::string& name, const User& owner, bool is_private = false) {
    auto room = store().create_room(name, is_private, owner.id, std::nullopt, kNow);
    EXPECT_TRUE(room.has_value()) << name;
    return room.value_or(Room{});
  }

  static NewMessage message(const Room& room, const User& from, std::string body,
                            std::optional<std::string> client_id = std::nullopt) {
    return NewMessage{room.id, from.id, std::move(body), std::move(client_id), std::nullopt, {}};
  }

  // Appends one message and expects it stored.
  Message append(const Room& room, const User& from, std::string body,
                 std::optional<std::string> client_id = std::nullopt) {
    NewMessage in = message(room, from, std::move(body), std::move(client_id));
    auto results = store().append_messages({&in, 1}, kNow);
    EXPECT_EQ(results.size(), 1u);
    EXPECT_EQ(results.at(0).status, AppendStatus::stored);
    return results.at(0).message;
  }

  // --- the writes of the group-commit writer, one per batch ---

  WriteResult write(Write w, std::int64_t now_ms = kNow) {
    auto results = store().write_batch({&w, 1}, now_ms);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? WriteResult{} : std::move(results.front());
  }
  WriteResult reply(const Room& room, const User& from, std::string body, std::int64_t reply_to) {
    NewMessage in = message(room, from, std::move(body));
    in.reply_to = reply_to;
    return write(std::move(in));
  }
  // meta: nullopt keeps the stored meta; a value replaces it.
  WriteResult edit(const Room& room, const User& by, std::int64_t message_id, std::string body,
                   std::optional<std::string> meta = std::nullopt, std::int64_t now_ms = kNow) {
    const bool replace_meta = meta.has_value();
    return write(
        EditMessage{room.id, message_id, by.id, std::move(body), replace_meta, std::move(meta)},
        now_ms);
  }
  WriteResult remove(const Room& room, const User& by, std::int64_t message_id) {
    return write(DeleteMessage{room.id, message_id, by.id});
  }
  WriteResult react(const Room& room, const User& by, std::int64_t message_id, std::string emoji,
                    bool on = true) {
    return write(ReactMessage{room.id, message_id, by.id, std::move(emoji), on});
  }
  WriteResult read(const Room& room, const User& by, std::int64_t up_to) {
    return write(MarkRead{room.id, by.id, up_to});
  }
  // The message's current state as the store reads it back.
  Message current(const Room& room, std::int64_t message_id) {
    auto found = store().find_message(room.id, message_id);
    EXPECT_TRUE(found.has_value()) << "message " << message_id;
    return found.value_or(Message{});
  }
  std::int64_t unread(const Room& room, const User& member) {
    return store().read_state(room.id, member.id).unread;
  }
  // What unread must be, counted the slow way from the history: the room's messages after the
  // member's last_read that are neither deleted nor the member's own.
  std::int64_t counted_unread(const Room& room, const User& member) {
    const std::int64_t last_read = store().read_state(room.id, member.id).last_read;
    std::int64_t n = 0;
    for (const Message& m : store().messages_after(room.id, last_read, 100'000))
      if (!m.deleted && m.user_id != member.id) ++n;
    return n;
  }

 private:
  std::unique_ptr<Store> store_;
};

}  // namespace parley::store::test
