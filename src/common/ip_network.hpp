#pragma once
// IP addresses and networks (CIDR) as text, for deciding which peers are trusted proxies.
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as the IPv4 address they carry.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace parley {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
  bool v4 = false;

  // "203.0.113.7", "2001:db8::1", "::ffff:10.0.0.1"; also "[2001:db8::1]". nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
};

class IpNetwork {
 public:
  // "10.0.0.0/8", "2001:db8::/32", or one address ("127.0.0.1" = /32). nullopt when malformed
  // or the prefix is too long for the family.
  static std::optional<IpNetwork> parse(std::string_view text);

  bool contains(const IpAddress& address) const noexcept;

 private:
  IpAddress base_;
  int prefix_ = 0;
};

}  // namespace parley
