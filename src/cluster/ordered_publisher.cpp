#include "cluster/ordered_publisher.hpp"

#include <utility>

namespace parley::cluster {

OrderedPublisher::OrderedPublisher(std::unique_ptr<store::DatabaseLock> lock)
    : lock_(std::move(lock)) {}

store::MessageWriter::BatchHooks OrderedPublisher::wrap(store::MessageWriter::BatchHooks hooks) {
  store::DatabaseLock& lock = *lock_;
  hooks.before_append = [&lock, inner = std::move(hooks.before_append)] {
    lock.acquire();
    if (inner) inner();
  };
  hooks.after_batch = [&lock, inner = std::move(hooks.after_batch)] {
    struct Release {
      store::DatabaseLock& lock;
      ~Release() { lock.release(); }
    } release{lock};
    if (inner) inner();
  };
  return hooks;
}

}  // namespace parley::cluster
