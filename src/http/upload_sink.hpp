#pragma once
// One upload in progress: the body's chunks appended to a new file in the upload directory on the
// worker pool, one at a time (the connection reads the next chunk only after the last was
// written), then the file completed, measured (images) and recorded. A body cut off leaves no file
// and no row.

#include <cstdint>
#include <memory>
#include <string>

#include "http/exchange.hpp"
#include "http/upload_files.hpp"
#include "net/http_handler.hpp"

namespace parley::http {

class Api;

class UploadSink final : public net::BodySink, public std::enable_shared_from_this<UploadSink> {
 public:
  UploadSink(Api& api, ExchangePtr exchange, std::string name, std::string content_type);
  ~UploadSink() override;

  std::uint64_t max_bytes() const override;
  void write(std::string_view chunk, std::function<void()> next) override;
  void finish() override;
  void abort() override;

 private:
  // On a worker.
  void append(std::string_view chunk, const std::function<void()>& next);
  void complete();
  void discard() noexcept;

  Api& api_;
  const UploadFiles& files_;
  ExchangePtr exchange_;
  std::string name_;
  std::string content_type_;
  // Touched by one worker task at a time: each task is queued only after the previous finished.
  UploadFiles::Partial file_;
  std::int64_t size_ = 0;
};

}  // namespace parley::http
