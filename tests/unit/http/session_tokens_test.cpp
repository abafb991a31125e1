#include "http/session_tokens.hpp"

#include <gtest/gtest.h>

namespace parley::http {
namespace {

TEST(SessionTokens, UserAgentsArePrintableAsciiAndBounded) {
  EXPECT_EQ(sanitize_user_agent("Mozilla/5.0 (X11; Linux) \"q\" <b>"),
            "Mozilla/5.0 (X11; Linux) \"q\" <b>");
  EXPECT_EQ(sanitize_user_agent("caf\xc3\xa9\tx\x01\x7f"), "caf???x??");
  EXPECT_EQ(sanitize_user_agent(std::string(1000, 'L')), std::string(kMaxUserAgentBytes, 'L'));
  EXPECT_EQ(sanitize_user_agent(""), "");
}

}  // namespace
}  // namespace parley::http
