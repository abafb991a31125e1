#pragma once
// Asio types shared by net/'s implementation files (private to net/).

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>

namespace parley::net::detail {

namespace asio = boost::asio;

// Sockets and timers are bound to their thread's io_context executor (no polymorphic executor).
using Executor = asio::io_context::executor_type;
using PlainStream = asio::basic_stream_socket<asio::ip::tcp, Executor>;
using Clock = std::chrono::steady_clock;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

template <class Stream>
PlainStream& plain_socket(Stream& stream) noexcept {
  if constexpr (std::is_same_v<Stream, PlainStream>)
    return stream;
  else
    return stream.next_layer();
}

// A per-thread scratch buffer for reads whose bytes are consumed before the handler returns.
inline constexpr std::size_t kScratchBytes = 16 << 10;
char* scratch_buffer() noexcept;
// Another, for gathering queued frames into one TLS record (16 KiB, the largest record).
char* gather_buffer() noexcept;

}  // namespace parley::net::detail
