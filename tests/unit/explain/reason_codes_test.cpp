// Roll-up of feature attributions into columns, adverse-action reasons, importance.
#include "deepfin/explain/reason_codes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "deepfin/base/error.h"
#include "explain_test_util.h"

namespace deepfin::explain {
namespace {

std::string column_name(int64_t c) {
  return "column " + std::to_string(c);
}

using testing::expect_error;

TEST(RollUp, SumsFeaturesIntoSourceColumnsAndSkipsIgnored) {
  // Column 0 numeric (feature 0), column 1 one-hot with three levels (features 1..3),
  // feature 4 ignored (-1), column 2 numeric (feature 5), column 3 has no features.
  const std::vector<double> features{0.5, 0.25, -1.0, 2.0, 100.0, -0.125};
  const std::vector<int64_t> source{0, 1, 1, 1, -1, 2};
  EXPECT_EQ(roll_up(features, source, 4), (std::vector<double>{0.5, 1.25, -0.125, 0.0}));
  EXPECT_TRUE(roll_up({}, {}, 0).empty());
}

TEST(RollUp, Errors) {
  const std::vector<double> features{1, 2};
  expect_error<ShapeError>([&] { roll_up(features, std::vector<int64_t>{0}, 1); }, {"2 feature attributions", "1"});
  expect_error<IndexError>(
      [&] {
        roll_up(features, std::vector<int64_t>{0, 3}, 3);
      },
      {"feature 1", "source column 3", "[-1, 3)"});
  expect_error<IndexError>([&] { roll_up(features, std::vector<int64_t>{-2, 0}, 3); }, {"feature 0", "-2"});
  expect_error<ValueError>([&] { roll_up(features, std::vector<int64_t>{0, 0}, -1); }, {"num_columns", "-1"});
}

TEST(AdverseReasons, LargestPositiveFirstWithTextAndValues) {
  const std::vector<double> a{0.1, -0.5, 0.9, 0.0, 0.3};
  const std::vector<Reason> r = adverse_reasons(a, column_name);
  ASSERT_EQ(r.size(), 3u);  // 0 and the negative column are not adverse
  EXPECT_EQ(r[0].column, 2);
  EXPECT_EQ(r[0].text, "column 2");
  EXPECT_EQ(r[0].attribution, 0.9);
  EXPECT_EQ(r[1].column, 4);
  EXPECT_EQ(r[2].column, 0);
}

TEST(AdverseReasons, TiesKeepLowerColumnFirst) {
  const std::vector<double> a{0.2, 0.5, 0.2, 0.5, 0.2};
  std::vector<int64_t> columns;
  for (const Reason& r : adverse_reasons(a, column_name, 4)) columns.push_back(r.column);
  EXPECT_EQ(columns, (std::vector<int64_t>{1, 3, 0, 2}));
}

TEST(AdverseReasons, CutoffIsStrictAndMaxCountCaps) {
  const std::vector<double> a{0.05, 0.4, 0.1, 0.7, 0.2, 0.3};
  std::vector<int64_t> columns;
  for (const Reason& r : adverse_reasons(a, column_name, 10, 0.1)) columns.push_back(r.column);
  EXPECT_EQ(columns, (std::vector<int64_t>{3, 1, 5, 4}));  // 0.1 itself is not strictly above 0.1
  EXPECT_EQ(adverse_reasons(a, column_name).size(), 4u);   // default: at most 4
  EXPECT_EQ(adverse_reasons(a, column_name, 2).size(), 2u);
  EXPECT_TRUE(adverse_reasons(a, column_name, 0).empty());
  // A negative cutoff never admits columns that lower the score.
  EXPECT_TRUE(adverse_reasons(std::vector<double>{-0.1, -0.2}, column_name, 4, -1.0).empty());
}

TEST(AdverseReasons, DescribeIsCalledOnlyForChosenColumns) {
  std::vector<int64_t> asked;
  const auto describe = [&](int64_t c) {
    asked.push_back(c);
    return column_name(c);
  };
  adverse_reasons(std::vector<double>{0.1, 0.9, 0.5, -1}, describe, 2);
  EXPECT_EQ(asked, (std::vector<int64_t>{1, 2}));
}

TEST(AdverseReasons, Errors) {
  const std::vector<double> a{0.1, 0.2};
  expect_error<ValueError>([&] { adverse_reasons(a, column_name, -1); }, {"max_reasons", "-1"});
  expect_error<ValueError>([&] { adverse_reasons(a, nullptr); }, {"describe is empty"});
  expect_error<ValueError>(
      [&] {
        adverse_reasons(std::vector<double>{0.1, std::numeric_limits<double>::quiet_NaN()}, column_name);
      },
      {"column 1", "non-finite"});
  expect_error<ValueError>([&] { adverse_reasons(a, column_name, 4, std::nan("")); }, {"min_attribution", "NaN"});
}

TEST(MeanAbsAttribution, AveragesMagnitudesPerColumn) {
  const std::vector<std::vector<double>> rows{{1.0, -2.0, 0.0}, {-3.0, 2.0, 0.5}};
  EXPECT_EQ(mean_abs_attribution(rows), (std::vector<double>{2.0, 2.0, 0.25}));
  EXPECT_TRUE(mean_abs_attribution({}).empty());
  expect_error<ShapeError>([] { mean_abs_attribution({{1, 2}, {1, 2}, {3}}); }, {"row 2", "1 columns", "row 0 has 2"});
}

}  // namespace
}  // namespace deepfin::explain
