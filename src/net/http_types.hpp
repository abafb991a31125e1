#pragma once
// Plain HTTP request/response values exchanged between net/ and the layers above it (no Beast).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::net {

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, e.g. "/api/rooms/7/messages?before=9"
  std::string path;    // target up to '?', percent-decoding not applied
  std::string query;   // target after '?', or empty
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;  // peer IP as text (the API: the client behind trusted proxies)
  unsigned version = 11;       // 10 or 11

  // Case-insensitive lookup; empty view when absent.
  std::string_view header(std::string_view name) const noexcept;
  // Every value of a header that may repeat, in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
};

// Bytes of an open file, sent as the connection takes them, so that a download is never held in
// memory whole (net/ reads it 64 KiB at a time). Closes the file when the last owner lets go.
class FileSlice {
 public:
  // `length` bytes at `offset` of `path`; throws std::runtime_error when the file cannot be opened
  // or is shorter than that.
  static std::shared_ptr<const FileSlice> open(const std::filesystem::path& path,
                                               std::uint64_t offset, std::uint64_t length);
  ~FileSlice();
  FileSlice(const FileSlice&) = delete;
  FileSlice& operator=(const FileSlice&) = delete;

  int fd() const noexcept { return fd_; }
  std::uint64_t offset() const noexcept { return offset_; }
  std::uint64_t length() const noexcept { return length_; }

 private:
  FileSlice(int fd, std::uint64_t offset, std::uint64_t length) noexcept
      : fd_(fd), offset_(offset), length_(length) {}

  int fd_;
  std::uint64_t offset_;
  std::uint64_t length_;
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;  // Content-Type among them; Content-Length is set by net/
  std::string body;
  std::shared_ptr<const FileSlice> file;  // set: the body is this instead of `body`

  void set_header(std::string name, std::string value);
};

}  // namespace parley::net
