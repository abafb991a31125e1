#pragma once
// One server per SQLite database: a second server on the same file would store messages that
// the first never delivers live (live delivery is within one process). The lock is an flock on
// DATABASE.lock, so the kernel drops it when the holder exits, however it exits.

#include <chrono>
#include <string>

namespace parley::store {

class ServerLock {
 public:
  // Takes the lock of `database_path`, waiting up to `wait` for a holder that is shutting down
  // (a restart that overlaps the old process's drain). Throws std::runtime_error naming the
  // holder's pid when it is still held after that.
  ServerLock(const std::string& database_path, std::chrono::milliseconds wait);
  ~ServerLock();
  ServerLock(const ServerLock&) = delete;
  ServerLock& operator=(const ServerLock&) = delete;

  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace parley::store
