#include "common/ip_network.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace parley {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string z(text);  // inet_pton wants a terminated string
  IpAddress out;
  if (inet_pton(AF_INET, z.c_str(), out.bytes.data()) == 1) {
    out.v4 = true;
    return out;
  }
  if (inet_pton(AF_INET6, z.c_str(), out.bytes.data()) != 1) return std::nullopt;
  static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMappedPrefix, kMappedPrefix + 12, out.bytes.begin())) {
    std::copy(out.bytes.begin() + 12, out.bytes.end(), out.bytes.begin());
    std::fill(out.bytes.begin() + 4, out.bytes.end(), 0);
    out.v4 = true;
  }
  return out;
}

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto base = IpAddress::parse(text.substr(0, slash));
  if (!base) return std::nullopt;
  const int max = base->v4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max)
      return std::nullopt;
  }
  IpNetwork network;
  network.base_ = *base;
  network.prefix_ = prefix;
  return network;
}

bool IpNetwork::contains(const IpAddress& address) const noexcept {
  if (address.v4 != base_.v4) return false;
  int bits = prefix_;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : 0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (base_.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace parley
