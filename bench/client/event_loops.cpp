#include "client/event_loops.hpp"

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <mutex>

namespace parley::bench {

EventLoops::EventLoops(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    auto loop = std::make_unique<Loop>();
    loop->thread = std::thread([io = &loop->io] { io->run(); });
    loops_.push_back(std::move(loop));
  }
}

EventLoops::~EventLoops() {
  stop();
}

void EventLoops::run_on_all(const std::function<void(std::size_t)>& fn) {
  std::mutex m;
  std::condition_variable cv;
  std::size_t remaining = loops_.size();
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    boost::asio::post(loops_[i]->io, [&, i] {
      fn(i);
      std::lock_guard lock(m);
      if (--remaining == 0) cv.notify_one();
    });
  }
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return remaining == 0; });
}

void EventLoops::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& l : loops_) l->io.stop();
  for (auto& l : loops_)
    if (l->thread.joinable()) l->thread.join();
}

}  // namespace parley::bench
