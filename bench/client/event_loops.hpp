#pragma once
// The event-loop threads of one bench process: one io_context per thread, so a connection and
// its counters live on one thread and need no lock.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace parley::bench {

class EventLoops {
 public:
  explicit EventLoops(std::size_t count);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  std::size_t size() const noexcept { return loops_.size(); }
  boost::asio::io_context& at(std::size_t i) noexcept { return loops_[i]->io; }
  // Runs fn(i) on loop i's thread, for every i, and returns when all have returned.
  void run_on_all(const std::function<void(std::size_t)>& fn);
  // Stops the loops and joins their threads; pending handlers are dropped, not run.
  void stop();

 private:
  struct Loop {
    boost::asio::io_context io{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{
        io.get_executor()};
    std::thread thread;
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  bool stopped_ = false;
};

}  // namespace parley::bench
