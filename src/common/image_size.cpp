#include "common/image_size.hpp"

#include <array>
#include <cstring>

namespace parley {
namespace {

constexpr std::size_t kHead = 32;
// A JPEG's frame header follows its other segments (EXIF thumbnails among them): bounded walk.
constexpr int kMaxJpegSegments = 1000;

std::uint32_t be16(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0] << 8 | p[1]);
}
std::uint32_t le16(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0] | p[1] << 8);
}
std::uint32_t le24(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0] | p[1] << 8 | p[2] << 16);
}
std::uint32_t be32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

std::optional<ImageSize> sized(std::uint32_t width, std::uint32_t height) {
  if (width == 0 || height == 0) return std::nullopt;
  return ImageSize{width, height};
}

std::optional<ImageSize> webp(const unsigned char* h, std::size_t n) {
  if (n < 30) return std::nullopt;
  if (std::memcmp(h + 12, "VP8 ", 4) == 0) {
    if (h[23] != 0x9d || h[24] != 0x01 || h[25] != 0x2a) return std::nullopt;
    return sized(le16(h + 26) & 0x3fff, le16(h + 28) & 0x3fff);
  }
  if (std::memcmp(h + 12, "VP8L", 4) == 0) {
    if (h[20] != 0x2f) return std::nullopt;
    const std::uint32_t bits = le24(h + 21) | static_cast<std::uint32_t>(h[24]) << 24;
    return sized((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (std::memcmp(h + 12, "VP8X", 4) == 0) return sized(le24(h + 24) + 1, le24(h + 27) + 1);
  return std::nullopt;
}

bool is_jpeg_frame(unsigned char marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageSize> jpeg(const ReadAt& read) {
  std::uint64_t at = 2;
  std::array<unsigned char, 9> seg{};
  for (int i = 0; i < kMaxJpegSegments; ++i) {
    if (read(at, seg.data(), 2) != 2 || seg[0] != 0xFF) return std::nullopt;
    const unsigned char marker = seg[1];
    if (marker == 0xFF) {  // fill byte
      at += 1;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;  // no length
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end, or scan data: no frame
    if (read(at + 2, seg.data(), seg.size()) < 2) return std::nullopt;
    const std::uint32_t length = be16(seg.data());
    if (length < 2) return std::nullopt;
    if (is_jpeg_frame(marker)) {
      if (length < 7 || read(at + 2, seg.data(), 7) != 7) return std::nullopt;
      return sized(be16(seg.data() + 5), be16(seg.data() + 3));
    }
    at += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageSize> image_size(const ReadAt& read) {
  std::array<unsigned char, kHead> h{};
  const std::size_t n = read(0, h.data(), h.size());
  static constexpr unsigned char kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n >= 24 && std::memcmp(h.data(), kPng, 8) == 0 && std::memcmp(h.data() + 12, "IHDR", 4) == 0)
    return sized(be32(h.data() + 16), be32(h.data() + 20));
  if (n >= 10 &&
      (std::memcmp(h.data(), "GIF87a", 6) == 0 || std::memcmp(h.data(), "GIF89a", 6) == 0))
    return sized(le16(h.data() + 6), le16(h.data() + 8));
  if (n >= 16 && std::memcmp(h.data(), "RIFF", 4) == 0 && std::memcmp(h.data() + 8, "WEBP", 4) == 0)
    return webp(h.data(), n);
  if (n >= 4 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return jpeg(read);
  return std::nullopt;
}

}  // namespace parley
