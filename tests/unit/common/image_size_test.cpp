#include "common/image_size.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace parley {
namespace {

std::optional<ImageSize> size_of(const std::string& bytes) {
  return image_size([&](std::uint64_t offset, unsigned char* out, std::size_t n) -> std::size_t {
    if (offset >= bytes.size()) return 0;
    const std::size_t k = std::min<std::size_t>(n, bytes.size() - offset);
    std::copy_n(bytes.data() + offset, k, out);
    return k;
  });
}

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out += static_cast<char>(b);
  return out;
}

void expect_size(const std::string& image, std::uint32_t w, std::uint32_t h) {
  auto size = size_of(image);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->width, w);
  EXPECT_EQ(size->height, h);
}

}  // namespace

TEST(ImageSize, Png) {
  expect_size(bytes({0x89, 'P', 'N', 'G',  '\r', '\n', 0x1a, '\n', 0,    0, 0, 13, 'I', 'H', 'D',
                     'R',  0,   0,   0x01, 0x2c, 0,    0,    0,    0xc8, 8, 6, 0,  0,   0}),
              300, 200);
}

TEST(ImageSize, Gif) {
  expect_size("GIF89a" + bytes({0x40, 0x01, 0xf0, 0x00, 0, 0}), 320, 240);
}

TEST(ImageSize, JpegAfterOtherSegments) {
  std::string app0 = bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}) + std::string(14, 'j');
  std::string app1 = bytes({0xFF, 0xE1, 0x01, 0x02}) + std::string(0x100, 'x');
  std::string sof = bytes({0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 3});
  expect_size(app0 + app1 + sof, 640, 480);
  EXPECT_FALSE(size_of(app0 + app1).has_value()) << "cut short";
}

TEST(ImageSize, WebpKinds) {
  std::string riff = "RIFF" + bytes({0, 0, 0, 0}) + "WEBP";
  expect_size(riff + "VP8X" + bytes({10, 0, 0, 0, 0, 0, 0, 0, 0x1f, 0x03, 0, 0x57, 0x02, 0}) +
                  std::string(4, '\0'),
              800, 600);
  expect_size(riff + "VP8 " + bytes({0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, 0x64, 0, 0x32, 0}) +
                  std::string(4, '\0'),
              100, 50);
  // VP8L: width-1 and height-1 in 14 bits each after the 0x2f signature: 16 x 8.
  const std::uint32_t bits = 15 | (7 << 14);
  expect_size(
      riff + "VP8L" +
          bytes({0, 0, 0, 0, 0x2f, static_cast<int>(bits & 0xff),
                 static_cast<int>((bits >> 8) & 0xff), static_cast<int>((bits >> 16) & 0xff), 0}) +
          std::string(8, '\0'),
      16, 8);
}

TEST(ImageSize, AnythingElseHasNone) {
  EXPECT_FALSE(size_of("").has_value());
  EXPECT_FALSE(size_of("<svg xmlns='http://www.w3.org/2000/svg'/>").has_value());
  EXPECT_FALSE(size_of("GIF89a" + bytes({0, 0, 0, 0})).has_value()) << "0 x 0";
  EXPECT_FALSE(size_of(bytes({0xFF, 0xD8, 0xFF, 0xD9})).has_value());
}

}  // namespace parley
