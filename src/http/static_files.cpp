#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/query.hpp"

namespace parley::http {
namespace fs = std::filesystem;

StaticFiles::StaticFiles(std::string root) {
  if (root.empty()) return;
  std::error_code ec;
  auto canonical = fs::canonical(root, ec);
  if (!ec && fs::is_regular_file(canonical / "index.html", ec)) root_ = canonical.string();
}

std::string_view content_type_for(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

namespace {

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::optional<net::HttpResponse> StaticFiles::serve(std::string_view raw_path) const {
  if (root_.empty()) return std::nullopt;
  auto decoded = percent_decode(raw_path);
  if (!decoded || decoded->empty() || (*decoded)[0] != '/' ||
      decoded->find('\0') != std::string::npos)
    return std::nullopt;
  std::string rel = decoded->substr(1);
  // Reject any dot segment instead of resolving it: nothing outside the root is reachable.
  for (std::size_t start = 0; start <= rel.size();) {
    auto end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string_view segment(rel.data() + start, end - start);
    if (segment == ".." || segment == ".") return std::nullopt;
    start = end + 1;
  }
  fs::path file = fs::path(root_) / rel;
  std::error_code ec;
  bool is_file = !rel.empty() && fs::is_regular_file(file, ec);
  if (!is_file) {
    // Client-side routes (/, /admin, /rooms/7) get the app; missing assets are a 404.
    auto last_slash = rel.rfind('/');
    std::string_view last = last_slash == std::string::npos
                                ? std::string_view(rel)
                                : std::string_view(rel).substr(last_slash + 1);
    if (last.find('.') != std::string_view::npos) return std::nullopt;
    file = fs::path(root_) / "index.html";
  }
  auto body = read_file(file);
  if (!body) return std::nullopt;
  net::HttpResponse response;
  response.status = 200;
  std::string name = file.filename().string();
  response.set_header("Content-Type", std::string(content_type_for(name)));
  bool hashed_asset = rel.rfind("assets/", 0) == 0 && is_file;
  response.set_header("Cache-Control",
                      hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  response.set_header("X-Content-Type-Options", "nosniff");
  response.body = std::move(*body);
  return response;
}

}  // namespace parley::http
