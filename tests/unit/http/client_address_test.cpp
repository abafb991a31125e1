#include "http/client_address.hpp"

#include <gtest/gtest.h>

namespace parley::http {
namespace {

net::HttpRequest from(std::string peer, std::vector<std::string> forwarded_for = {}) {
  net::HttpRequest request;
  request.remote_address = std::move(peer);
  for (auto& value : forwarded_for) request.headers.push_back({"X-Forwarded-For", value});
  return request;
}

ClientAddress behind(std::vector<std::string_view> networks) {
  std::vector<IpNetwork> trusted;
  for (auto n : networks) trusted.push_back(IpNetwork::parse(n).value());
  return ClientAddress(std::move(trusted));
}

TEST(ClientAddress, WithoutTrustedProxiesTheHeaderIsIgnored) {
  EXPECT_EQ(ClientAddress().of(from("198.51.100.9", {"203.0.113.7"})), "198.51.100.9");
}

TEST(ClientAddress, AnUntrustedPeerCannotChooseItsAddress) {
  EXPECT_EQ(behind({"10.0.0.0/8"}).of(from("198.51.100.9", {"203.0.113.7"})), "198.51.100.9");
}

TEST(ClientAddress, TakesTheRightmostUntrustedHop) {
  const auto proxies = behind({"10.0.0.0/8", "127.0.0.1"});
  EXPECT_EQ(proxies.of(from("10.0.0.2", {"203.0.113.7"})), "203.0.113.7");
  // A client-sent entry on the left is not believed past the first untrusted hop.
  EXPECT_EQ(proxies.of(from("10.0.0.2", {"1.1.1.1, 203.0.113.7, 10.0.0.5"})), "203.0.113.7");
  // Several headers form one chain, in order.
  EXPECT_EQ(proxies.of(from("127.0.0.1", {"1.1.1.1", "203.0.113.7 , 10.0.0.5"})), "203.0.113.7");
  EXPECT_EQ(proxies.of(from("10.0.0.2", {"[2001:db8::1]"})), "2001:db8::1");
}

TEST(ClientAddress, FallsBackToTheLastHopItCanBelieve) {
  const auto proxies = behind({"10.0.0.0/8"});
  EXPECT_EQ(proxies.of(from("10.0.0.2")), "10.0.0.2");                          // no header
  EXPECT_EQ(proxies.of(from("10.0.0.2", {"10.0.0.3, 10.0.0.4"})), "10.0.0.3");  // all trusted
  EXPECT_EQ(proxies.of(from("10.0.0.2", {"unknown"})), "10.0.0.2");
  EXPECT_EQ(proxies.of(from("10.0.0.2", {"203.0.113.7, garbage, 10.0.0.4"})), "10.0.0.4");
  EXPECT_EQ(proxies.of(from("10.0.0.2", {""})), "10.0.0.2");
}

}  // namespace
}  // namespace parley::http
