#pragma once
// Serves the built web app from a directory: files by path, index.html for client-side routes,
// never anything outside the root.

#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace parley::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);

  bool enabled() const noexcept { return !root_.empty(); }

  // A 200 response for `path` ("/", "/assets/app.js", "/rooms/7" -> index.html), or nullopt.
  // Blocking (reads a file): call from a worker.
  std::optional<net::HttpResponse> serve(std::string_view path) const;

 private:
  std::string root_;  // canonical, no trailing slash
};

std::string_view content_type_for(std::string_view path);

}  // namespace parley::http
