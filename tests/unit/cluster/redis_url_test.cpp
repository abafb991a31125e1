#include "cluster/redis_url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace parley::cluster {
namespace {

TEST(RedisUrl, HostAndPort) {
  auto url = RedisUrl::parse("redis://127.0.0.1:6380");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.password, "");
  EXPECT_EQ(url.database, 0);
}

TEST(RedisUrl, DefaultPortPasswordAndDatabase) {
  auto url = RedisUrl::parse("redis://:s3cret@redis.internal/2");
  EXPECT_EQ(url.host, "redis.internal");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.password, "s3cret");
  EXPECT_EQ(url.database, 2);
}

TEST(RedisUrl, UserPasswordAndIpv6) {
  auto url = RedisUrl::parse("redis://default:pw@[::1]:7000");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 7000);
  EXPECT_EQ(url.password, "pw");
}

TEST(RedisUrl, RejectsBadInput) {
  for (const char* bad : {"", "http://host:1", "redis://", "redis://host:0", "redis://host:99999",
                          "redis://host:abc", "redis://[::1", "redis://host/x"})
    EXPECT_THROW(RedisUrl::parse(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace parley::cluster
