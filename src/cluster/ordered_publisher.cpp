#include "cluster/ordered_publisher.hpp"

#include <utility>

namespace parley::cluster {

OrderedPublisher::OrderedPublisher(std::unique_ptr<store::DatabaseLock> lock,
                                   std::function<std::int64_t()> high_water)
    : lock_(std::move(lock)), high_water_(std::move(high_water)) {}

store::MessageWriter::BatchHooks OrderedPublisher::wrap(store::MessageWriter::BatchHooks hooks) {
  store::DatabaseLock& lock = *lock_;
  hooks.before_append = [this, &lock, inner = std::move(hooks.before_append)] {
    lock.acquire();
    after_ = high_water_ ? high_water_() : 0;
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
