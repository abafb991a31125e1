#include "scenarios/history_seeder.hpp"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "client/event_loops.hpp"
#include "client/fleet.hpp"
#include "measure/clock.hpp"

namespace parley::bench {
namespace {
constexpr std::size_t seed_connections = 8;
constexpr std::size_t seed_window = 128;
constexpr double seed_timeout_s = 1800;
}  // namespace

void HistorySeeder::seed(std::uint64_t count) {
  target_ = count;
  EventLoops loops(std::max<std::size_t>(1, std::min<std::size_t>(o_.threads, 2)));
  Fleet fleet(o_, loops, *this);
  fleet_ = &fleet;
  loops_ = &loops;
  for (std::size_t i = 0; i < seed_connections; ++i) fleet.add(sender_.token, 0, i);
  if (fleet.open_all(seed_connections, o_.setup_timeout_s) == 0)
    throw BenchError("seed: no connection opened");
  const std::int64_t start = now_ns();
  std::int64_t last_report = start;
  while (acked_.load() < target_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::int64_t now = now_ns();
    if (now - last_report > 5'000'000'000) {
      last_report = now;
      std::cerr << "seed: " << acked_.load() << "/" << target_ << " messages ("
                << static_cast<double>(acked_.load()) / (static_cast<double>(now - start) / 1e9)
                << "/s, " << refused_.load() << " refused)\n";
    }
    if (lost_connections_.load() == seed_connections)
      throw BenchError("seed: all connections lost");
    if (static_cast<double>(now - start) / 1e9 > seed_timeout_s)
      throw BenchError("seed: timed out");
  }
  fleet.close_all();
  loops.stop();
  std::cerr << "seed: " << acked_.load() << " messages in "
            << static_cast<double>(now_ns() - start) / 1e9 << " s";
  std::lock_guard lock(m_);
  for (const auto& [code, n] : refusals_) std::cerr << ", " << n << " refused with " << code;
  std::cerr << "\n";
}

void HistorySeeder::on_ready(std::size_t slot, std::size_t) {
  for (std::size_t i = 0; i < seed_window; ++i) send_next(slot);
}

void HistorySeeder::send_next(std::size_t slot) {
  const std::uint64_t n = claimed_++;
  if (n >= target_) return;
  std::string body = "history " + std::to_string(n) + " ";
  if (!mention_.empty() && n % 50 == 0) body += "@" + mention_ + " ";
  if (body.size() < o_.body_bytes) body.append(o_.body_bytes - body.size(), 'x');
  const std::int64_t room = rooms_[n % rooms_.size()];
  fleet_->send(slot, "{\"type\":\"send\",\"room\":" + std::to_string(room) + ",\"body\":\"" + body +
                         "\",\"ref\":\"" + std::to_string(n) + "\"}");
}

void HistorySeeder::on_frame(std::size_t slot, std::size_t thread, const JsonFields& f,
                             std::string_view) {
  if (f.type == "ack") {
    ++acked_;
    send_next(slot);
  } else if (f.type == "error") {
    // Refused (rate limit): hand the message back and retry after a pause.
    ++refused_;
    --claimed_;
    {
      std::lock_guard lock(m_);
      ++refusals_[std::string(f.code)];
    }
    auto timer = std::make_shared<boost::asio::steady_timer>(loops_->at(thread),
                                                             std::chrono::milliseconds(100));
    timer->async_wait([this, slot, timer](const boost::system::error_code& ec) {
      if (!ec) send_next(slot);
    });
  }
}

void HistorySeeder::on_lost(std::size_t, std::size_t, std::string_view reason) {
  ++lost_connections_;
  std::cerr << "seed: connection lost: " << reason << "\n";
}

}  // namespace parley::bench
