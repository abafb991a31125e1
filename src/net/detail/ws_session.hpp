#pragma once
// Starting a WebSocket session on a socket whose HTTP upgrade has been answered with 101.

#include <cstddef>
#include <memory>
#include <string_view>

#include "net/detail/asio_types.hpp"
#include "net/detail/tls_socket.hpp"
#include "net/ws_connection.hpp"

namespace parley::net::detail {

class ServerState;

// `leftover`: bytes the client sent after its upgrade request (already read by the HTTP parser).
// Call on the thread `index`.
void start_ws_session(ServerState& server, std::size_t index, PlainStream&& stream,
                      std::string_view leftover, std::shared_ptr<WsHandler> handler);
void start_ws_session(ServerState& server, std::size_t index, TlsStream&& stream,
                      std::string_view leftover, std::shared_ptr<WsHandler> handler);

}  // namespace parley::net::detail
