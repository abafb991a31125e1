#include "store/search_terms.hpp"

#include <string_view>

namespace parley::store {
namespace {

// Words hold no quote of either kind, but a quote is doubled anyway: the syntax stays closed
// even if a caller passes something else.
std::string quoted(std::string_view word, char quote) {
  std::string out(1, quote);
  for (char c : word) {
    out += c;
    if (c == quote) out += quote;
  }
  out += quote;
  return out;
}

std::string joined(const std::vector<std::string>& words, char quote, std::string_view glue,
                   std::string_view prefix_mark) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += glue;
    out += quoted(words[i], quote);
    if (i + 1 == words.size()) out += prefix_mark;
  }
  return out;
}

}  // namespace

std::string fts5_match(const std::vector<std::string>& words) {
  return joined(words, '"', " AND ", "*");
}

std::string tsquery_text(const std::vector<std::string>& words) {
  return joined(words, '\'', " & ", ":*");
}

}  // namespace parley::store
