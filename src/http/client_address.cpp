#include "http/client_address.hpp"

#include <algorithm>

namespace parley::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Every X-Forwarded-For entry, from all such headers, in order (the closest hop last).
std::vector<std::string_view> forwarded_chain(const net::HttpRequest& request) {
  std::vector<std::string_view> chain;
  for (std::string_view rest : request.header_values("X-Forwarded-For")) {
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      chain.push_back(trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return chain;
}

}  // namespace

bool ClientAddress::trusted(std::string_view address) const {
  const auto parsed = IpAddress::parse(address);
  return parsed && std::any_of(trusted_.begin(), trusted_.end(),
                               [&](const IpNetwork& network) { return network.contains(*parsed); });
}

std::string ClientAddress::of(const net::HttpRequest& request) const {
  std::string_view client = request.remote_address;
  if (trusted_.empty() || !trusted(client)) return std::string(client);
  const auto chain = forwarded_chain(request);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    // A malformed entry cannot be believed: the hop that reported it is the client we know.
    if (!IpAddress::parse(*it)) break;
    client = *it;
    if (!trusted(client)) break;
  }
  if (client.size() >= 2 && client.front() == '[') client = client.substr(1, client.size() - 2);
  return std::string(client);
}

}  // namespace parley::http
