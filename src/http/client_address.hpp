#pragma once
// The client's address behind trusted reverse proxies: when the peer is one of them, the
// rightmost X-Forwarded-For entry that is not itself a trusted proxy. Anyone else's
// X-Forwarded-For is ignored, so a client cannot choose the address it is limited by.

#include <string>
#include <string_view>
#include <vector>

#include "common/ip_network.hpp"
#include "net/http_types.hpp"

namespace parley::http {

class ClientAddress {
 public:
  ClientAddress() = default;
  explicit ClientAddress(std::vector<IpNetwork> trusted_proxies)
      : trusted_(std::move(trusted_proxies)) {}

  std::string of(const net::HttpRequest& request) const;

 private:
  bool trusted(std::string_view address) const;

  std::vector<IpNetwork> trusted_;
};

}  // namespace parley::http
