#pragma once
// The full-text query of a search, built from its words only (common/text.hpp's text_words: runs
// of letters and digits), so that nothing a user types reaches a query language's syntax.

#include <string>
#include <vector>

namespace parley::store {

// An FTS5 MATCH expression: each word an FTS5 string, the last one a prefix, joined by AND:
// `"deploy" AND "lin"*`.
std::string fts5_match(const std::vector<std::string>& words);

// A to_tsquery text: each word a quoted lexeme, the last one a prefix, joined by &:
// `'deploy' & 'lin':*`.
std::string tsquery_text(const std::vector<std::string>& words);

}  // namespace parley::store
