#include "http/query.hpp"

#include <gtest/gtest.h>

namespace parley::http {
namespace {

TEST(Query, FindsAndDecodesParameters) {
  EXPECT_EQ(*query_param("before=12&limit=5", "limit"), "5");
  EXPECT_EQ(*query_param("token=a%2Eb%20c+d", "token"), "a.b c d");
  EXPECT_EQ(*query_param("flag&x=1", "flag"), "");
  EXPECT_FALSE(query_param("limit=5", "before"));
  EXPECT_FALSE(query_param("", "before"));
  EXPECT_FALSE(query_param("x=%zz", "x"));
  EXPECT_FALSE(query_param("x=%4", "x"));
  EXPECT_EQ(*query_param("x=1&x=2", "x"), "1");
}

}  // namespace
}  // namespace parley::http
