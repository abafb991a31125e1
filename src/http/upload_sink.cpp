#include "http/upload_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/image_size.hpp"
#include "http/api.hpp"
#include "observability/log.hpp"
#include "protocol/encode.hpp"

namespace parley::http {
namespace {

// The pixel size of the complete file at `path`, when it is an image.
std::optional<ImageSize> measure(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto size = image_size([fd](std::uint64_t offset, unsigned char* out, std::size_t n) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    return got > 0 ? static_cast<std::size_t>(got) : std::size_t{0};
  });
  ::close(fd);
  return size;
}

}  // namespace

UploadSink::UploadSink(Api& api, ExchangePtr exchange, std::string name, std::string content_type)
    : api_(api),
      files_(api.upload_files()),
      exchange_(std::move(exchange)),
      name_(std::move(name)),
      content_type_(std::move(content_type)) {}

// A sink dropped with a file still open (the worker pool refused the abort) cleans up here.
UploadSink::~UploadSink() {
  discard();
}

std::uint64_t UploadSink::max_bytes() const {
  return api_.settings().uploads.max_bytes;
}

void UploadSink::write(std::string_view chunk, std::function<void()> next) {
  auto self = shared_from_this();
  if (!api_.services().workers.submit([self, chunk, next] { self->append(chunk, next); }))
    exchange_->fail(ErrorCode::unavailable, "server is busy, try again");
}

void UploadSink::append(std::string_view chunk, const std::function<void()>& next) {
  try {
    if (file_.fd < 0) file_ = files_.create();
    files_.append(file_, chunk);
    size_ += static_cast<std::int64_t>(chunk.size());
  } catch (const std::exception& e) {
    obs::log_error("upload not stored", {obs::field("request_id", exchange_->request_id()),
                                         obs::field("error", e.what())});
    discard();
    exchange_->fail(ErrorCode::unavailable, "the upload could not be stored; nothing was kept");
    return;
  }
  next();
}

void UploadSink::finish() {
  auto self = shared_from_this();
  api_.run_on_worker(exchange_, [self](const ExchangePtr&) { self->complete(); });
}

void UploadSink::complete() {
  try {
    const auto& user = require_user(exchange_);  // a session ended meanwhile: 401, nothing kept
    if (file_.fd < 0) file_ = files_.create();   // an empty upload
    files_.complete(file_);
    domain::Upload upload;
    upload.user_id = user.user_id;
    upload.name = name_;
    upload.size = size_;
    upload.content_type = content_type_;
    upload.file = file_.name;
    upload.created_at_ms = now_ms();
    if (auto image = measure(files_.path_of(file_.name))) {
      upload.width = image->width;
      upload.height = image->height;
    }
    try {
      upload = api_.services().store.insert_upload(upload);
    } catch (...) {
      files_.remove(file_.name);
      file_.name.clear();
      throw;
    }
    file_.name.clear();  // the row owns it now
    boost::json::object body;
    body["upload"] = protocol::upload_json(upload);
    exchange_->reply(201, body);
  } catch (...) {
    discard();
    throw;
  }
}

void UploadSink::abort() {
  auto self = shared_from_this();
  if (!api_.services().workers.submit([self] { self->discard(); })) discard();
}

void UploadSink::discard() noexcept {
  files_.discard(file_);
}

}  // namespace parley::http
