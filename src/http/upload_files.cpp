#include "http/upload_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "auth/tokens.hpp"

namespace parley::http {
namespace {

std::runtime_error io_error(std::string_view what, const std::filesystem::path& path) {
  return std::runtime_error(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

UploadFiles::UploadFiles(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (dir_.empty()) return;  // no uploads: create() fails
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create upload directory " + dir_.string());
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() == ".part") std::filesystem::remove(entry.path(), ec);
  }
}

UploadFiles::Partial UploadFiles::create() const {
  if (dir_.empty()) throw std::runtime_error("no upload directory configured");
  Partial file;
  file.name = auth::random_token(18);
  const auto path = part_path(file.name);
  file.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (file.fd < 0) throw io_error("cannot create", path);
  return file;
}

void UploadFiles::append(const Partial& file, std::string_view bytes) const {
  while (!bytes.empty()) {
    const ssize_t n = ::write(file.fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw io_error("cannot write", part_path(file.name));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void UploadFiles::complete(Partial& file) const {
  const auto part = part_path(file.name);
  if (::fsync(file.fd) != 0) throw io_error("cannot flush", part);
  ::close(file.fd);
  file.fd = -1;
  if (::rename(part.c_str(), path_of(file.name).c_str()) != 0)
    throw io_error("cannot rename", part);
}

void UploadFiles::discard(Partial& file) const noexcept {
  if (file.fd >= 0) {
    ::close(file.fd);
    file.fd = -1;
  }
  if (file.name.empty()) return;
  std::error_code ec;
  std::filesystem::remove(part_path(file.name), ec);
  file.name.clear();
}

void UploadFiles::remove(std::string_view name) const noexcept {
  std::error_code ec;
  std::filesystem::remove(path_of(name), ec);
}

}  // namespace parley::http
