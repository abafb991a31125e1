#include "store/search_terms.hpp"

#include <gtest/gtest.h>

namespace parley::store {

TEST(SearchTerms, Fts5QuotesEveryWordAndPrefixesTheLast) {
  EXPECT_EQ(fts5_match({"deplo"}), "\"deplo\"*");
  EXPECT_EQ(fts5_match({"where", "deploy", "lin"}), "\"where\" AND \"deploy\" AND \"lin\"*");
  EXPECT_EQ(fts5_match({"a\"b"}), "\"a\"\"b\"*");
}

TEST(SearchTerms, TsqueryQuotesEveryWordAndPrefixesTheLast) {
  EXPECT_EQ(tsquery_text({"deplo"}), "'deplo':*");
  EXPECT_EQ(tsquery_text({"café", "or"}), "'café' & 'or':*");
  EXPECT_EQ(tsquery_text({"a'b"}), "'a''b':*");
}

}  // namespace parley::store
