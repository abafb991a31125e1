#include "store/sqlite/server_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "observability/log.hpp"

namespace parley::store {
namespace {

constexpr std::chrono::milliseconds kRetryEvery{50};

std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

ServerLock::ServerLock(const std::string& database_path, std::chrono::milliseconds wait)
    : path_(database_path + ".lock") {
  if (auto parent = std::filesystem::path(path_).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool warned = false;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EINTR) continue;
    if (err != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) {
      const std::string pid = holder_pid(fd_);
      ::close(fd_);
      if (err != EWOULDBLOCK)
        throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(err));
      throw std::runtime_error(
          "another parley server (pid " + pid + ") is using the database " + database_path +
          "; a SQLite database serves one server (several instances share PostgreSQL + Redis)");
    }
    if (!warned) {
      obs::log_warn("the database is locked by another server; waiting for it to exit",
                    {obs::field("lock", path_), obs::field("pid", holder_pid(fd_))});
      warned = true;
    }
    std::this_thread::sleep_for(kRetryEvery);
  }
  // Ours now: record who holds it, for the message above.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0)
    obs::log_warn("could not write the pid into the lock file", {obs::field("lock", path_)});
}

ServerLock::~ServerLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock; the file stays, harmless and reused
}

}  // namespace parley::store
