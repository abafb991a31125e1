#include "http/ws_subprotocols.hpp"

namespace parley::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

OfferedSubprotocols parse_subprotocols(const std::vector<std::string_view>& header_values) {
  OfferedSubprotocols offered;
  for (std::string_view value : header_values) {
    while (true) {
      auto comma = value.find(',');
      std::string_view entry = trim(value.substr(0, comma));
      if (entry == kParleySubprotocol) {
        offered.parley_v1 = true;
      } else if (!offered.token &&
                 entry.substr(0, kBearerSubprotocolPrefix.size()) == kBearerSubprotocolPrefix) {
        offered.token = std::string(entry.substr(kBearerSubprotocolPrefix.size()));
      }
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return offered;
}

}  // namespace parley::http
