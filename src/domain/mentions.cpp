#include "domain/mentions.hpp"

#include <algorithm>

namespace parley::domain {
namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

constexpr std::size_t kMinUsername = 3;
constexpr std::size_t kMaxUsername = 32;

}  // namespace

std::vector<std::string> mentioned_names(std::string_view body) {
  std::vector<std::string> names;
  for (std::size_t at = body.find('@'); at != std::string_view::npos; at = body.find('@', at + 1)) {
    if (at > 0 && is_name_char(body[at - 1])) continue;
    std::size_t end = at + 1;
    while (end < body.size() && is_name_char(body[end])) ++end;
    std::size_t stop = end;
    while (stop > at + 1 && body[stop - 1] == '.') --stop;
    std::size_t length = stop - (at + 1);
    if (length < kMinUsername || length > kMaxUsername) continue;
    std::string name(body.substr(at + 1, length));
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(std::move(name));
  }
  return names;
}

}  // namespace parley::domain
