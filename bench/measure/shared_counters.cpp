#include "measure/shared_counters.hpp"

#include <sys/mman.h>

#include <new>
#include <stdexcept>

namespace parley::bench {

static_assert(std::atomic<std::int64_t>::is_always_lock_free,
              "counters shared between processes must be lock-free");

SharedCounters::SharedCounters(std::size_t count)
    : count_(count), bytes_(std::max<std::size_t>(1, count) * sizeof(std::atomic<std::int64_t>)) {
  void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("mmap of shared counters failed");
  values_ = static_cast<std::atomic<std::int64_t>*>(p);
  for (std::size_t i = 0; i < count_; ++i) new (&values_[i]) std::atomic<std::int64_t>(0);
}

SharedCounters::~SharedCounters() {
  if (values_) munmap(values_, bytes_);
}

void SharedCounters::reset() noexcept {
  for (std::size_t i = 0; i < count_; ++i) values_[i].store(0);
}

}  // namespace parley::bench
