#include "common/ip_network.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

bool in(std::string_view network, std::string_view address) {
  return IpNetwork::parse(network).value().contains(IpAddress::parse(address).value());
}

TEST(IpAddress, ParsesBothFamiliesAndBrackets) {
  EXPECT_TRUE(IpAddress::parse("203.0.113.7")->v4);
  EXPECT_FALSE(IpAddress::parse("2001:db8::1")->v4);
  EXPECT_FALSE(IpAddress::parse("[2001:db8::1]")->v4);
  EXPECT_TRUE(IpAddress::parse("::ffff:10.0.0.1")->v4);  // mapped: the IPv4 it carries
}

TEST(IpAddress, RejectsWhatIsNotAnAddress) {
  for (std::string_view bad : {"", "unknown", "1.2.3", "1.2.3.256", "1.2.3.4:80", " 1.2.3.4",
                               "2001:db8:::1", "[1.2.3.4", "_hidden", "1.2.3.4/8"})
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
}

TEST(IpNetwork, MatchesPrefixes) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.200.3.4"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(in("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(in("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(in("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(in("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(in("0.0.0.0/0", "198.51.100.1"));
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(in("10.0.0.0/8", "::ffff:10.1.2.3"));
  EXPECT_FALSE(in("::/0", "10.1.2.3"));  // families never match each other
}

TEST(IpNetwork, RejectsMalformedNetworks) {
  for (std::string_view bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                               "2001:db8::/129", "nonsense/8", "/8"})
    EXPECT_FALSE(IpNetwork::parse(bad)) << bad;
}

}  // namespace
}  // namespace parley
