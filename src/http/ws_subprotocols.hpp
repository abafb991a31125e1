#pragma once
// The WebSocket subprotocols a client offers (Sec-WebSocket-Protocol), as Parley reads them:
// `parley.v1`, and the v1.1 way of carrying an access token where browsers can set it,
// `parley.bearer.<token>`. The token entry is never selected nor echoed.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::http {

inline constexpr std::string_view kParleySubprotocol = "parley.v1";
inline constexpr std::string_view kBearerSubprotocolPrefix = "parley.bearer.";

struct OfferedSubprotocols {
  bool parley_v1 = false;            // select it in the 101 response
  std::optional<std::string> token;  // from the first parley.bearer.<token> entry (may be empty)
};

// `header_values`: every Sec-WebSocket-Protocol header of the request, each a comma-separated
// list (RFC 6455 section 4.1); entries are trimmed of spaces and tabs.
OfferedSubprotocols parse_subprotocols(const std::vector<std::string_view>& header_values);

}  // namespace parley::http
