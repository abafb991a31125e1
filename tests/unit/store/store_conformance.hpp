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

 private:
  std::unique_ptr<Store> store_;
};

}  // namespace parley::store::test
