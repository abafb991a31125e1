#pragma once
// Corking across a network thread: sessions that queued frames during this loop turn are written
// by one posted task at its end, rather than by one posted task each.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <vector>

#include "net/detail/session_base.hpp"

namespace parley::net::detail {

// Touched only on its thread.
class FlushQueue {
 public:
  explicit FlushQueue(boost::asio::io_context& ioc) : ioc_(ioc) {}

  // The session's flush() runs once the handlers already queued on the thread have run.
  void add(std::shared_ptr<SessionBase> session) {
    pending_.push_back(std::move(session));
    if (posted_) return;
    posted_ = true;
    boost::asio::post(ioc_, [this] { run(); });
  }

 private:
  void run() {
    posted_ = false;
    running_.swap(pending_);  // flushes may queue frames on other sessions: a later turn
    for (auto& session : running_) session->flush();
    running_.clear();
  }

  boost::asio::io_context& ioc_;
  std::vector<std::shared_ptr<SessionBase>> pending_;
  std::vector<std::shared_ptr<SessionBase>> running_;  // kept to reuse its storage
  bool posted_ = false;
};

}  // namespace parley::net::detail
