#include "auth/recovery_codes.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace parley::auth {
namespace {

bool well_formed(const std::string& code) {
  if (code.size() != 19) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (i % 5 == 4) {
      if (c != '-') return false;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
      return false;
    }
  }
  return true;
}

TEST(RecoveryCodes, TenDistinctGroupedCodes) {
  auto codes = generate_recovery_codes();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), 10u);
  for (const auto& c : codes) EXPECT_TRUE(well_formed(c)) << c;
}

TEST(RecoveryCodes, TheHashIgnoresCaseSpacesAndDashes) {
  auto code = generate_recovery_codes(1).at(0);
  std::string hash = recovery_code_hash(code);
  EXPECT_EQ(hash.size(), 64u);
  std::string upper = code;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(recovery_code_hash(upper), hash);
  std::string bare;
  for (char c : code)
    if (c != '-') bare.push_back(c);
  EXPECT_EQ(recovery_code_hash(bare), hash);
  std::string spaced(" ");  // appended, not "+": GCC 12 warns falsely (-Wrestrict) on that
  spaced.append(bare, 0, 8).append(" ").append(bare, 8);
  EXPECT_EQ(recovery_code_hash(spaced), hash);
  EXPECT_NE(recovery_code_hash(generate_recovery_codes(1).at(0)), hash);
}

TEST(RecoveryCodes, WhatCannotBeACodeHashesToNothing) {
  for (const char* bad : {"", "123456", "abcd-efgh-ijkl-mno", "abcd-efgh-ijkl-mnopq",
                          "abcd-efgh-ijkl-mn0p", "abcd_efgh_ijkl_mnop", "ábcd-efgh-ijkl-mnop"})
    EXPECT_EQ(recovery_code_hash(bad), "") << bad;
}

}  // namespace
}  // namespace parley::auth
