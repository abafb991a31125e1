#include "auth/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "auth/tokens.hpp"

namespace parley::auth {

LoadedSecret load_or_create_secret(const std::string& data_dir) {
  std::filesystem::path path = std::filesystem::path(data_dir) / "jwt-secret";
  if (std::ifstream in(path); in) {
    std::stringstream content;
    content << in.rdbuf();
    std::string secret = content.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < 32)
      throw std::runtime_error(path.string() + " holds a secret that is too short");
    return {secret, false};
  }
  std::string secret = random_token(48);
  // O_EXCL: two processes starting at once must not both write a different secret.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_secret(data_dir);
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path.string());
  return {secret, true};
}

}  // namespace parley::auth
