#pragma once
// An uploaded file: its bytes live in the upload directory under `file`, the rest in the store.
// Times are epoch milliseconds.

#include <cstdint>
#include <optional>
#include <string>

namespace parley::domain {

struct Upload {
  std::int64_t id = 0;
  std::int64_t user_id = 0;  // the uploader
  std::string name;          // as given: 1-255 characters, no / \ or control characters
  std::int64_t size = 0;
  std::string content_type;
  std::string file;  // the stored file's name in the upload directory (never shown)
  std::optional<std::int64_t> width;  // images: from the file's header
  std::optional<std::int64_t> height;
  std::int64_t created_at_ms = 0;

  std::string url() const { return "/api/uploads/" + std::to_string(id); }
};

}  // namespace parley::domain
