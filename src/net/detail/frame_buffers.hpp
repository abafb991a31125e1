#pragma once
// A buffer sequence over a range of a connection's frame queue, for one gathered write.

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <iterator>
#include <vector>

#include "net/ws_connection.hpp"

namespace parley::net::detail {

// Refers to the queue by index, so frames pushed (and the vector reallocated) during the write do
// not invalidate it; the range itself must stay untouched until the write completes.
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
    const_iterator(const std::vector<SharedFrame>* queue, std::size_t i) : queue_(queue), i_(i) {}

    value_type operator*() const {
      const auto& frame = (*queue_)[i_];
      return {frame->data(), frame->size()};
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
  };

  FrameBuffers(const std::vector<SharedFrame>& queue, std::size_t begin, std::size_t end)
      : queue_(&queue), begin_(begin), end_(end) {}

  const_iterator begin() const { return {queue_, begin_}; }
  const_iterator end() const { return {queue_, end_}; }

 private:
  const std::vector<SharedFrame>* queue_;
  std::size_t begin_;
  std::size_t end_;
};

}  // namespace parley::net::detail
