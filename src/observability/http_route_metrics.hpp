#pragma once
// HTTP requests by route template ("/api/rooms/{id}/messages", never the raw path), method and
// status, with a latency histogram per route: labels stay bounded whatever clients send.
// Routes are registered at start-up; observe() is lock-free and thread-safe.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "observability/metrics.hpp"

namespace parley::obs {

class HttpRouteMetrics {
 public:
  // Statuses counted on their own; any other is counted as "other".
  static constexpr std::array<int, 22> kStatuses = {101, 200, 201, 202, 204, 206, 304, 400,
                                                    401, 403, 404, 405, 409, 413, 415, 416,
                                                    422, 426, 429, 500, 501, 503};
  static constexpr std::size_t kMaxRoutes = 160;

  // The index of (method, template), registered on first use; kMaxRoutes - 1 ("other") once the
  // table is full. Thread-safe.
  std::size_t route(std::string_view method, std::string_view route_template);

  void observe(std::size_t route, int status, std::uint64_t duration_us) noexcept;

  // Appends both families; series of routes never requested are left out.
  void render(std::string& out) const;

  // For tests: the count of one (route, status).
  std::uint64_t count(std::size_t route, int status) const noexcept;

 private:
  struct Route {
    std::string method;
    std::string route_template;
    std::array<Counter, kStatuses.size() + 1> by_status;
    Histogram latency;
  };
  static std::size_t status_index(int status) noexcept;

  std::mutex mutex_;  // registration only
  std::array<std::unique_ptr<Route>, kMaxRoutes> routes_;
  std::atomic<std::size_t> size_{0};
};

// The process's table (rendered by render_exposition()).
HttpRouteMetrics& http_route_metrics() noexcept;

}  // namespace parley::obs
