#include "store/id_list.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace parley::store {
namespace {

TEST(IdList, JoinsIdsWithCommasAndNothingAsNull) {
  EXPECT_FALSE(join_ids({}).has_value());
  std::vector<std::int64_t> one = {5};
  EXPECT_EQ(join_ids(one), "5");
  std::vector<std::int64_t> three = {2, 5, 9};
  EXPECT_EQ(join_ids(three), "2,5,9");
}

TEST(IdList, SplitsInOrderAndRoundTrips) {
  EXPECT_TRUE(split_ids("").empty());
  EXPECT_EQ(split_ids("7"), (std::vector<std::int64_t>{7}));
  std::vector<std::int64_t> ids = {9, 2, 9007199254740991, 5};  // order kept, repeats kept
  EXPECT_EQ(split_ids(*join_ids(ids)), ids);
}

TEST(IdList, SkipsWhatIsNotAPositiveInteger) {
  EXPECT_EQ(split_ids("2,x,-3,0,7,,8 , 9,10x,11"), (std::vector<std::int64_t>{2, 7, 11}));
  EXPECT_EQ(split_ids(",,"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(split_ids("3,"), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(split_ids("99999999999999999999,4"), (std::vector<std::int64_t>{4}));  // overflow
}

}  // namespace
}  // namespace parley::store
