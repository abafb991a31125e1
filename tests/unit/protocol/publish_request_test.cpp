#include "protocol/publish_request.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace parley::protocol {
namespace {

std::variant<PublishRequest, std::string> parse(const char* body) {
  return parse_publish_request(boost::json::parse(body).as_object());
}

std::string error_of(const char* body) {
  auto r = parse(body);
  EXPECT_TRUE(std::holds_alternative<std::string>(r)) << body;
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

TEST(PublishRequest, EachTarget) {
  auto user = std::get<PublishRequest>(parse(R"({"user": 12, "event": "a", "data": {"x": 1}})"));
  EXPECT_EQ(user.target, PublishRequest::Target::users);
  EXPECT_EQ(user.user_ids, std::vector<std::int64_t>{12});
  EXPECT_EQ(user.data_json, R"({"x":1})");
  auto users = std::get<PublishRequest>(parse(R"({"users": [5, 3, 5], "event": "a"})"));
  EXPECT_EQ(users.user_ids, (std::vector<std::int64_t>{3, 5}));
  EXPECT_EQ(users.data_json, "{}");
  auto room = std::get<PublishRequest>(parse(R"({"room": 7, "event": "a"})"));
  EXPECT_EQ(room.target, PublishRequest::Target::room);
  EXPECT_EQ(room.room_id, 7);
  auto role = std::get<PublishRequest>(parse(R"({"role": "admin", "event": "a"})"));
  EXPECT_EQ(role.target, PublishRequest::Target::role);
  EXPECT_EQ(role.role, "admin");
}

TEST(PublishRequest, RefusalsSayWhatIsWrong) {
  EXPECT_EQ(error_of(R"({"user": 1})"), "missing field 'event'");
  EXPECT_EQ(error_of(R"({"user": 1, "event": 5})"), "field 'event' must be a string");
  EXPECT_NE(error_of(R"({"user": 1, "event": "bad name"})"), "");
  EXPECT_EQ(error_of(R"({"user": 1, "event": "a", "data": [1]})"),
            "field 'data' must be a JSON object");
  EXPECT_EQ(error_of(R"({"event": "a"})"), "give exactly one of 'room', 'user', 'users', 'role'");
  EXPECT_EQ(error_of(R"({"user": 1, "room": 2, "event": "a"})"),
            "give exactly one of 'room', 'user', 'users', 'role'");
  EXPECT_EQ(error_of(R"({"user": 0, "event": "a"})"), "field 'user' must be a user id");
  EXPECT_EQ(error_of(R"({"users": [], "event": "a"})"),
            "field 'users' must be an array of 1 to 1000 user ids");
  EXPECT_EQ(error_of(R"({"users": [1, "x"], "event": "a"})"),
            "field 'users' must hold user ids only");
  EXPECT_EQ(error_of(R"({"role": "root", "event": "a"})"),
            "field 'role' must be \"admin\" or \"user\"");
  std::string big =
      R"({"user": 1, "event": "a", "data": {"s": ")" + std::string(70'000, 'x') + "\"}}";
  EXPECT_EQ(error_of(big.c_str()), "field 'data' must be at most 64 KiB");
}

}  // namespace
}  // namespace parley::protocol
