#pragma once
// The server side of the WebSocket opening handshake's key exchange (RFC 6455 section 4.2).

#include <string>
#include <string_view>

namespace parley::net {

// True for a Sec-WebSocket-Key that is base64 of 16 bytes.
bool valid_websocket_key(std::string_view key) noexcept;

// Sec-WebSocket-Accept for `key`: base64(SHA-1(key + the RFC's GUID)).
std::string websocket_accept(std::string_view key);

}  // namespace parley::net
