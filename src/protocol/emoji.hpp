#pragma once
// The contract's rule for a reaction's emoji.

#include <optional>
#include <string>
#include <string_view>

namespace parley::protocol {

inline constexpr std::size_t kMaxEmojiCodePoints = 32;

// 1-32 code points of valid UTF-8 with no whitespace or control characters (`👍`, `🇪🇸`,
// `:ship-it:`). An error message naming the field, or nullopt when valid.
std::optional<std::string> check_emoji(std::string_view emoji);

}  // namespace parley::protocol
