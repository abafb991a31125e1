#include "common/thread_name.hpp"

#include <pthread.h>

#include <algorithm>

namespace parley {

void name_this_thread(std::string_view name) noexcept {
  char buf[16];
  const std::size_t n = std::min(name.size(), sizeof buf - 1);
  std::copy_n(name.data(), n, buf);
  buf[n] = '\0';
  pthread_setname_np(pthread_self(), buf);
}

}  // namespace parley
