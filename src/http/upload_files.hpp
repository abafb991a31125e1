#pragma once
// The upload directory: one file per upload, named at random, written as `<name>.part` and renamed
// once complete, so a file under its final name is always whole. Blocking: call off the network
// threads. Thread-safe (each call works on its own file).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace parley::http {

class UploadFiles {
 public:
  // Creates the directory if needed and removes `.part` files a crash left behind. Throws
  // std::runtime_error when the directory cannot be used.
  explicit UploadFiles(std::filesystem::path dir);

  // A file being written.
  struct Partial {
    int fd = -1;
    std::string name;  // the final name
  };
  Partial create() const;
  // Appends all of `bytes`; throws std::runtime_error (disk full, ...).
  void append(const Partial& file, std::string_view bytes) const;
  // Flushes it to disk and gives it its final name; throws on failure.
  void complete(Partial& file) const;
  // Closes and deletes an unfinished file. No-op when none.
  void discard(Partial& file) const noexcept;

  std::filesystem::path path_of(std::string_view name) const { return dir_ / std::string(name); }
  // Deletes a complete file; a missing one is no error.
  void remove(std::string_view name) const noexcept;

 private:
  std::filesystem::path part_path(std::string_view name) const {
    return dir_ / (std::string(name) + ".part");
  }

  std::filesystem::path dir_;
};

}  // namespace parley::http
