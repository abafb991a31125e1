#pragma once
// Starting an HTTP/1.1 session (plain or TLS) on an accepted socket.

#include <cstddef>

#include "net/detail/asio_types.hpp"

namespace parley::net::detail {

class ServerState;

// Call on the thread `index` that owns the socket's io_context. With server.tls set the session
// performs the TLS handshake first.
void start_http_session(ServerState& server, std::size_t index, PlainStream socket);

}  // namespace parley::net::detail
