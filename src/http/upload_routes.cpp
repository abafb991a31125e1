// POST /api/uploads (a streamed body, see UploadSink) and GET /api/uploads/{id}: the file's bytes
// for those who may see it, with the headers that keep it from running in the server's origin.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/clock.hpp"
#include "common/text.hpp"
#include "http/api.hpp"
#include "http/query.hpp"
#include "http/upload_sink.hpp"
#include "observability/log.hpp"

namespace parley::http {
namespace {

constexpr std::ptrdiff_t kMaxNameLength = 255;
constexpr std::size_t kMaxContentTypeBytes = 255;
constexpr const char* kDefaultContentType = "application/octet-stream";
// Shown in the page when opened: everything else is a download (HTML and SVG never run here).
constexpr std::array<std::string_view, 6> kInlineTypes = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"};

// Code points of a name that make it refused: path separators and control characters.
bool refused_in_name(char32_t cp) {
  return cp == '/' || cp == '\\' || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Decodes valid UTF-8 (utf8_length checked it) one code point at a time.
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string upload_name(const net::HttpRequest& request) {
  auto name = query_param(request.query, "name");
  if (!name) throw ApiError(ErrorCode::bad_request, "query parameter 'name' is required");
  const std::ptrdiff_t length = utf8_length(*name);
  if (length < 1 || length > kMaxNameLength)
    throw ApiError(ErrorCode::bad_request, "'name' must be 1 to 255 characters of UTF-8 text");
  for (char32_t cp : code_points(*name))
    if (refused_in_name(cp))
      throw ApiError(ErrorCode::bad_request,
                     "'name' must not contain '/', '\\' or control characters");
  return *name;
}

std::string upload_content_type(const net::HttpRequest& request) {
  std::string_view given = request.header("Content-Type");
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  if (given.empty()) return kDefaultContentType;
  const bool printable = std::all_of(given.begin(), given.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
  });
  if (given.size() > kMaxContentTypeBytes || !printable || given.find('/') == 0 ||
      given.find('/') == std::string_view::npos)
    throw ApiError(ErrorCode::bad_request, "invalid Content-Type");
  return std::string(given);
}

// The media type alone, lowercased: "Text/Plain; charset=utf-8" -> "text/plain".
std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string percent_encoded(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string content_disposition(const domain::Upload& upload) {
  const auto type = media_type(upload.content_type);
  const bool inline_ =
      std::find(kInlineTypes.begin(), kInlineTypes.end(), type) != kInlineTypes.end();
  std::string fallback;
  for (unsigned char c : upload.name)
    fallback += (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') ? '_' : static_cast<char>(c);
  return std::string(inline_ ? "inline" : "attachment") + "; filename=\"" + fallback +
         "\"; filename*=UTF-8''" + percent_encoded(upload.name);
}

struct ByteRange {
  std::int64_t first = 0;
  std::int64_t last = 0;  // inclusive
};

std::optional<std::int64_t> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

// One `bytes=` range of a file of `size` bytes. nullopt: no usable Range (serve the whole file);
// a range with first > last: unsatisfiable (416).
std::optional<ByteRange> byte_range(std::string_view header, std::int64_t size) {
  constexpr std::string_view prefix = "bytes=";
  if (header.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view spec = header.substr(prefix.size());
  if (spec.find(',') != std::string_view::npos) return std::nullopt;  // several: the whole file
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = number(spec.substr(0, dash));
  auto last = number(spec.substr(dash + 1));
  if (!first && !last) return std::nullopt;
  if (!first) {  // the last N bytes
    if (*last == 0 || size == 0) return ByteRange{1, 0};
    return ByteRange{size - std::min(*last, size), size - 1};
  }
  if (last && *last < *first) return std::nullopt;  // invalid: ignored
  if (*first >= size) return ByteRange{1, 0};
  return ByteRange{*first, std::min(last.value_or(size - 1), size - 1)};
}

void download(Api& api, const ExchangePtr& ex) {
  const auto& user = require_user(ex);
  const std::int64_t id = ex->id_param(0);
  auto& store = api.services().store;
  auto upload = store.find_upload(id);
  // Someone who may not see it learns nothing, not even that it exists.
  if (!upload || !store.may_download(id, user.user_id))
    throw ApiError(ErrorCode::not_found, "no upload " + std::to_string(id));
  net::HttpResponse response;
  const std::string etag = "\"" + upload->file + "\"";  // a file never changes under its name
  response.set_header("ETag", etag);
  response.set_header("Cache-Control", "private, max-age=3600");
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Accept-Ranges", "bytes");
  if (ex->request().header("If-None-Match") == etag) {
    response.status = 304;
    ex->reply_raw(std::move(response));
    return;
  }
  response.set_header("Content-Type", upload->content_type);
  response.set_header("Content-Disposition", content_disposition(*upload));
  // Opened in a tab anyway, the file runs nothing and loads nothing.
  response.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  const auto path = api.upload_files().path_of(upload->file);
  const std::int64_t size = upload->size;
  auto range = byte_range(ex->request().header("Range"), size);
  if (range && range->first > range->last) {
    response.status = 416;
    response.set_header("Content-Range", "bytes */" + std::to_string(size));
    ex->reply_raw(std::move(response));
    return;
  }
  if (range) {
    response.status = 206;
    response.set_header("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                             std::to_string(range->last) + "/" +
                                             std::to_string(size));
    response.file =
        net::FileSlice::open(path, static_cast<std::uint64_t>(range->first),
                             static_cast<std::uint64_t>(range->last - range->first + 1));
  } else {
    // Sent from the file as the client reads it: never held in memory whole.
    response.file = net::FileSlice::open(path, 0, static_cast<std::uint64_t>(size));
  }
  ex->reply_raw(std::move(response));
}

}  // namespace

std::shared_ptr<net::BodySink> open_upload(Api& api, const ExchangePtr& ex) {
  try {
    const auto& user = require_user(ex);
    std::string name = upload_name(ex->request());
    std::string content_type = upload_content_type(ex->request());
    if (int wait = api.upload_throttle().take(user.user_id, monotonic_us() / 1000); wait > 0)
      throw ApiError(ErrorCode::rate_limited, "too many uploads; try again later", wait);
    return std::make_shared<UploadSink>(api, ex, std::move(name), std::move(content_type));
  } catch (const ApiError& e) {
    ex->fail(e.code(), e.what(), e.retry_after_seconds());
    return nullptr;
  }
}

std::size_t collect_uploads(Api& api, std::int64_t now) {
  const auto& settings = api.settings().uploads;
  auto& store = api.services().store;
  std::size_t removed = 0;
  for (;;) {
    auto batch = store.collectable_uploads(now - settings.detached_grace_ms,
                                           now - settings.unattached_max_age_ms, 100);
    for (const auto& upload : batch) {
      if (!store.delete_upload(upload.id)) continue;  // attached meanwhile
      api.upload_files().remove(upload.file);
      ++removed;
    }
    if (batch.size() < 100) break;
  }
  if (removed > 0) obs::log_info("uploads collected", {obs::field("removed", removed)});
  return removed;
}

void add_upload_routes(Api& api) {
  api.add_endpoint("GET", "/api/uploads/{}", download);
}

}  // namespace parley::http
