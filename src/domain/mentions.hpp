#pragma once
// The contract's `@username` rule: which usernames a message body names.

#include <string>
#include <string_view>
#include <vector>

namespace parley::domain {

// The names `body` mentions, ASCII-lowercased, each once, in order of first appearance. A mention
// is `@` at the start or after a character that is not A-Z a-z 0-9 _ . -, followed by the longest
// run of those characters less any trailing `.`s; runs that cannot be a username (fewer than 3 or
// more than 32 characters) are left out.
std::vector<std::string> mentioned_names(std::string_view body);

}  // namespace parley::domain
