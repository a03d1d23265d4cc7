// Stratified k-fold and train/test splits: partitions, per-class balance, determinism.
#include "deepfin/data/tabular/stratified.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "deepfin/base/error.h"
#include "tabular_test_util.h"

namespace deepfin::data {
namespace {

using testing::throws_with;

// 10 rows of class 0, 7 of class 2, 5 of class 1, interleaved.
std::vector<int64_t> labels() {
  std::vector<int64_t> classes;
  for (int i = 0; i < 10; ++i) {
    classes.push_back(0);
    if (i < 7) classes.push_back(2);
    if (i < 5) classes.push_back(1);
  }
  return classes;
}

std::map<int64_t, int64_t> count_classes(const std::vector<int64_t>& rows, const std::vector<int64_t>& classes) {
  std::map<int64_t, int64_t> counts;
  for (int64_t r : rows) ++counts[classes[r]];
  return counts;
}

TEST(StratifiedKFold, FoldsPartitionTheRowsAndBalanceEachClass) {
  const auto classes = labels();
  const int k = 5;
  const auto folds = stratified_kfold(classes, k, 42);
  ASSERT_EQ(folds.size(), 5u);
  std::vector<int> times_in_test(classes.size(), 0);
  size_t smallest = classes.size(), largest = 0;
  for (const FoldIndices& fold : folds) {
    EXPECT_TRUE(std::is_sorted(fold.test.begin(), fold.test.end()));
    std::set<int64_t> all(fold.train.begin(), fold.train.end());
    for (int64_t r : fold.test) {
      EXPECT_FALSE(all.count(r)) << "row " << r << " in both train and test";
      all.insert(r);
      ++times_in_test[r];
    }
    EXPECT_EQ(all.size(), classes.size());  // train and test together cover every row once
    const auto counts = count_classes(fold.test, classes);
    EXPECT_EQ(counts.at(0), 2);                                           // 10 / 5
    EXPECT_EQ(counts.at(1), 1);                                           // 5 / 5
    EXPECT_TRUE(counts.at(2) == 1 || counts.at(2) == 2) << counts.at(2);  // 7 / 5
    smallest = std::min(smallest, fold.test.size());
    largest = std::max(largest, fold.test.size());
  }
  for (size_t r = 0; r < classes.size(); ++r) EXPECT_EQ(times_in_test[r], 1) << r;
  EXPECT_LE(largest - smallest, 1u);
}

TEST(StratifiedKFold, SameSeedSameFoldsOtherSeedOtherFolds) {
  const auto classes = labels();
  const auto a = stratified_kfold(classes, 3, 7), b = stratified_kfold(classes, 3, 7);
  const auto c = stratified_kfold(classes, 3, 8);
  bool any_difference = false;
  for (size_t f = 0; f < a.size(); ++f) {
    EXPECT_EQ(a[f].test, b[f].test);
    EXPECT_EQ(a[f].train, b[f].train);
    any_difference = any_difference || a[f].test != c[f].test;
  }
  EXPECT_TRUE(any_difference);
}

TEST(StratifiedKFold, Errors) {
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_kfold(labels(), 1, 0); }, {"k = 1", "at least 2"}));
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_kfold(labels(), 6, 0); }, {"class 1 has 5 rows", "k = 6"}));
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_kfold({0, 1, -1, 0}, 2, 0); }, {"row 2", "-1"}));
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_kfold({}, 2, 0); }, {"no rows"}));
}

TEST(StratifiedSplit, RoundsEachClassShare) {
  const auto classes = labels();
  const FoldIndices split = stratified_split(classes, 0.3, 3);
  const auto counts = count_classes(split.test, classes);
  EXPECT_EQ(counts.at(0), 3);  // round(3.0)
  EXPECT_EQ(counts.at(1), 2);  // round(1.5)
  EXPECT_EQ(counts.at(2), 2);  // round(2.1)
  std::vector<int64_t> all = split.train;
  all.insert(all.end(), split.test.begin(), split.test.end());
  std::sort(all.begin(), all.end());
  for (size_t r = 0; r < all.size(); ++r) EXPECT_EQ(all[r], static_cast<int64_t>(r));
  EXPECT_EQ(all.size(), classes.size());
  EXPECT_EQ(stratified_split(classes, 0.3, 3).test, split.test);
  EXPECT_NE(stratified_split(classes, 0.3, 4).test, split.test);
}

TEST(StratifiedSplit, KeepsAtLeastOneRowPerClassOnEachSide) {
  const std::vector<int64_t> classes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
  EXPECT_EQ(count_classes(stratified_split(classes, 0.01, 0).test, classes),
            (std::map<int64_t, int64_t>{{0, 1}, {1, 1}}));
  EXPECT_EQ(count_classes(stratified_split(classes, 0.99, 0).train, classes),
            (std::map<int64_t, int64_t>{{0, 1}, {1, 1}}));
}

TEST(StratifiedSplit, Errors) {
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_split(labels(), 0.0, 0); }, {"test_size = 0", "(0, 1)"}));
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_split(labels(), 1.0, 0); }, {"test_size = 1"}));
  EXPECT_TRUE(throws_with<ValueError>([] { stratified_split({0, 0, 1}, 0.5, 0); }, {"class 1 has 1 row"}));
}

}  // namespace
}  // namespace deepfin::data
