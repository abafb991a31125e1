#pragma once
// A Beast body that sends a FileSlice: read with pread 64 KiB at a time as the socket takes it,
// so a download costs one chunk of memory however large the file. Reads from the page cache take
// microseconds; a cold disk read blocks the network thread for its duration, as sendfile would.

#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <utility>

#include "net/http_types.hpp"

namespace parley::net::detail {

struct FileSliceBody {
  using value_type = std::shared_ptr<const FileSlice>;

  static std::uint64_t size(const value_type& slice) noexcept {
    return slice ? slice->length() : 0;
  }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& slice)
        : slice_(slice) {}

    void init(boost::system::error_code& ec) {
      ec = {};
      if (slice_ && slice_->length() > 0)
        chunk_ = std::make_unique<char[]>(std::min<std::uint64_t>(kChunk, slice_->length()));
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
      ec = {};
      if (!slice_ || sent_ == slice_->length()) return boost::none;
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, slice_->length() - sent_));
      ssize_t got;
      do {
        got =
            ::pread(slice_->fd(), chunk_.get(), want, static_cast<off_t>(slice_->offset() + sent_));
      } while (got < 0 && errno == EINTR);
      if (got <= 0) {  // the file shrank or failed under us: end the connection
        ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
        return boost::none;
      }
      sent_ += static_cast<std::uint64_t>(got);
      return std::make_pair(const_buffers_type(chunk_.get(), static_cast<std::size_t>(got)),
                            sent_ < slice_->length());
    }

   private:
    static constexpr std::uint64_t kChunk = 64 << 10;
    value_type slice_;
    std::unique_ptr<char[]> chunk_;
    std::uint64_t sent_ = 0;
  };
};

}  // namespace parley::net::detail
