#pragma once
// A buffer sequence over a range of a connection's frame queue, for one gathered write.

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <iterator>
#include <vector>

#include "net/ws_connection.hpp"

namespace parley::net::detail {

// Refers to the queue by index, so frames pushed (and the vector reallocated) during the write do
// not invalidate it; the range itself must stay untouched until the write completes. The first
// frame may start `offset` bytes in, after a partial write.
class FrameBuffers {
 public:
  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = boost::asio::const_buffer;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = value_type;

    const_iterator() = default;
    const_iterator(const std::vector<SharedFrame>* queue, std::size_t i, std::size_t first,
                   std::size_t offset)
        : queue_(queue), i_(i), first_(first), offset_(offset) {}

    value_type operator*() const {
      const auto& frame = (*queue_)[i_];
      const std::size_t skip = i_ == first_ ? offset_ : 0;
      return {frame->data() + skip, frame->size() - skip};
    }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++i_;
      return old;
    }
    const_iterator& operator--() {
      --i_;
      return *this;
    }
    const_iterator operator--(int) {
      auto old = *this;
      --i_;
      return old;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

   private:
    const std::vector<SharedFrame>* queue_ = nullptr;
    std::size_t i_ = 0;
    std::size_t first_ = 0;
    std::size_t offset_ = 0;
  };

  FrameBuffers(const std::vector<SharedFrame>& queue, std::size_t begin, std::size_t end,
               std::size_t offset = 0)
      : queue_(&queue), begin_(begin), end_(end), offset_(offset) {}

  const_iterator begin() const { return {queue_, begin_, begin_, offset_}; }
  const_iterator end() const { return {queue_, end_, begin_, offset_}; }

 private:
  const std::vector<SharedFrame>* queue_;
  std::size_t begin_;
  std::size_t end_;
  std::size_t offset_;
};

}  // namespace parley::net::detail
