#pragma once
// Counters in a shared anonymous mapping, created before the worker processes fork, so that all
// of them (and the parent) see one set: the global acks per room and the sends still in flight.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace parley::bench {

class SharedCounters {
 public:
  explicit SharedCounters(std::size_t count);
  ~SharedCounters();
  SharedCounters(const SharedCounters&) = delete;
  SharedCounters& operator=(const SharedCounters&) = delete;

  std::atomic<std::int64_t>& at(std::size_t i) noexcept { return values_[i]; }
  std::size_t size() const noexcept { return count_; }
  void reset() noexcept;

 private:
  std::atomic<std::int64_t>* values_ = nullptr;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace parley::bench
