#pragma once
// The pixel size of a PNG, JPEG, GIF or WebP image, read from its header without decoding it
// (so clients can reserve the space before the image loads).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace parley {

struct ImageSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// Reads up to `n` bytes at `offset` into `out`; returns how many it read (0 at the end).
using ReadAt = std::function<std::size_t(std::uint64_t offset, unsigned char* out, std::size_t n)>;

// nullopt when the bytes are none of those formats, or a header is cut short or says 0 x 0.
std::optional<ImageSize> image_size(const ReadAt& read);

}  // namespace parley
