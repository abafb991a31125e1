#pragma once
// Lists of ids stored as text ("2,5,9"): a message's mentions, kept with the message row.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parley::store {

// nullopt for an empty list (stored as NULL).
std::optional<std::string> join_ids(std::span<const std::int64_t> ids);
// Ids in order; anything that is not a positive integer is skipped.
std::vector<std::int64_t> split_ids(std::string_view text);

}  // namespace parley::store
