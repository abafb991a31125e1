#pragma once
// The bench's TLS client context, when its --url is https:// (one setting for the whole process,
// made before any connection or worker fork).

#include <boost/asio/ssl/context.hpp>
#include <string>

namespace parley::bench {

// Every later connection (REST and WebSocket) speaks TLS. `ca_file` empty: the server's
// certificate is not verified (loopback benchmarks against a self-signed certificate).
void enable_client_tls(const std::string& ca_file);

// Null while TLS is off.
boost::asio::ssl::context* client_tls() noexcept;

}  // namespace parley::bench
