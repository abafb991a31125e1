#include "protocol/client_frame.hpp"

#include <gtest/gtest.h>

namespace parley::protocol {
namespace {

template <typename T>
T expect_frame(std::string_view text) {
  auto result = parse_client_frame(text);
  auto* frame = std::get_if<ClientFrame>(&result);
  EXPECT_NE(frame, nullptr) << text << ": " << std::get<FrameError>(result).message;
  if (frame == nullptr) return T{};
  auto* body = std::get_if<T>(&frame->body);
  EXPECT_NE(body, nullptr) << text;
  return body ? *body : T{};
}

FrameError expect_error(std::string_view text) {
  auto result = parse_client_frame(text);
  auto* error = std::get_if<FrameError>(&result);
  EXPECT_NE(error, nullptr) << text;
  return error ? *error : FrameError{};
}

TEST(ClientFrame, ParsesEveryType) {
  EXPECT_EQ(expect_frame<AuthFrame>(R"({"type":"auth","token":"abc"})").token, "abc");
  auto join = expect_frame<JoinFrame>(R"({"type":"join","room":7,"since":120})");
  EXPECT_EQ(join.room, 7);
  EXPECT_EQ(*join.since, 120);
  EXPECT_FALSE(expect_frame<JoinFrame>(R"({"type":"join","room":7})").since);
  EXPECT_EQ(*expect_frame<JoinFrame>(R"({"type":"join","room":7,"since":0})").since, 0);
  EXPECT_EQ(expect_frame<LeaveFrame>(R"({"type":"leave","room":3})").room, 3);
  EXPECT_EQ(expect_frame<TypingFrame>(R"({"type":"typing","room":3})").room, 3);
  expect_frame<PingFrame>(R"({"type":"ping"})");
  auto send = expect_frame<SendFrame>(
      R"({"type":"send","room":7,"body":"hi","client_id":"c-1","meta":{"reply_to": 5}})");
  EXPECT_EQ(send.body, "hi");
  EXPECT_EQ(*send.client_id, "c-1");
  EXPECT_EQ(*send.meta_json, R"({"reply_to":5})");
  EXPECT_FALSE(
      expect_frame<SendFrame>(R"({"type":"send","room":7,"body":"x","meta":null})").meta_json);
  EXPECT_EQ(*expect_frame<SendFrame>(R"({"type":"send","room":7,"body":"x","meta":{}})").meta_json,
            "{}");
}

TEST(ClientFrame, KeepsRefOnErrors) {
  auto result = parse_client_frame(R"({"type":"ping","ref":"r1"})");
  EXPECT_EQ(*std::get<ClientFrame>(result).ref, "r1");
  auto error = expect_error(R"({"type":"join","ref":"r2"})");
  EXPECT_EQ(*error.ref, "r2");
  EXPECT_NE(error.message.find("room"), std::string::npos);
}

TEST(ClientFrame, RejectsMalformedFrames) {
  expect_error("not json");
  expect_error("[1,2]");
  expect_error(R"({"room":7})");
  expect_error(R"({"type":5})");
  expect_error(R"({"type":"dance"})");
  expect_error(R"({"type":"join","room":"7"})");
  expect_error(R"({"type":"join","room":0})");
  expect_error(R"({"type":"join","room":-1})");
  expect_error(R"({"type":"join","room":1.5})");
  expect_error(R"({"type":"join","room":9007199254740992})");
  expect_error(R"({"type":"join","room":7,"since":-3})");
  expect_error(R"({"type":"send","room":7})");
  expect_error(R"({"type":"send","room":7,"body":""})");
  expect_error(R"({"type":"send","room":7,"body":"a\u0000b"})");
  expect_error(R"({"type":"send","room":7,"body":"x","client_id":7})");
  expect_error(R"({"type":"send","room":7,"body":"x","meta":[1]})");
  expect_error(R"({"type":"send","room":7,"body":"x","meta":"s"})");
  expect_error(R"({"type":"ping","ref":7})");
  expect_error(std::string(R"({"type":"ping","ref":")") + std::string(65, 'r') + "\"}");
  expect_error(R"({"type":"auth"})");
}

TEST(ClientFrame, BodyLimitCountsCodePoints) {
  std::string ok;
  for (int i = 0; i < 4000; ++i) ok += "\xC3\xA9";
  expect_frame<SendFrame>(R"({"type":"send","room":1,"body":")" + ok + "\"}");
  expect_error(R"({"type":"send","room":1,"body":")" + ok + "e\"}");
  std::string big_meta =
      R"({"type":"send","room":1,"body":"x","meta":{"k":")" + std::string(4100, 'm') + "\"}}";
  expect_error(big_meta);
}

}  // namespace
}  // namespace parley::protocol
