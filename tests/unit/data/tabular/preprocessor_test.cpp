// TabularPreprocessor fitting and transforming, checked against hand-computed statistics.
#include "deepfin/data/tabular/preprocessor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

#include "tabular_test_util.h"

namespace deepfin::data {
namespace {

using testing::Cells;
using testing::make_table;
using testing::NA;
using Role = FeatureInfo::Role;

// age: non-missing 20, 30, 40, 100 -> mean 47.5, population variance 3875/4 = 968.75, median (30+40)/2 = 35.
// home: rent x2, free, own -> categories rent, free, own (frequency, then name); one missing.
// married: Yes/no/YES/no/no -> boolean {no, yes}, true twice of five -> fill 0.
Table credit_train() {
  return make_table("train.csv", {{"age", {"20", "30", "40", NA, "100"}},
                                  {"home", {"rent", "own", "rent", NA, "free"}},
                                  {"married", {"Yes", "no", "YES", "no", "no"}},
                                  {"class", {"bad", "good", "good", "bad", "good"}}});
}

PreprocessOptions credit_options() {
  PreprocessOptions options;
  options.target = "class";
  options.positive_label = "bad";
  return options;
}

std::vector<std::string> names_of(const TabularPreprocessor& pre) {
  std::vector<std::string> names;
  for (const FeatureInfo& f : pre.features()) names.push_back(f.name);
  return names;
}

const double kAgeStd = std::sqrt(968.75);

TEST(Preprocessor, FitsHandComputedStatistics) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  ASSERT_EQ(pre.columns().size(), 3u);
  const ColumnInfo& age = pre.columns()[0];
  EXPECT_EQ(age.kind, ColumnKind::numeric);
  EXPECT_DOUBLE_EQ(age.center, 47.5);
  EXPECT_DOUBLE_EQ(age.scale, kAgeStd);
  EXPECT_DOUBLE_EQ(age.fill, 35.0);
  EXPECT_TRUE(age.has_indicator);
  const ColumnInfo& home = pre.columns()[1];
  EXPECT_EQ(home.kind, ColumnKind::categorical);
  EXPECT_EQ(home.categories, (std::vector<std::string>{"rent", "free", "own"}));
  EXPECT_EQ(home.fill_category, "rent");
  EXPECT_FALSE(home.has_indicator);  // categorical missing -> most frequent, no indicator
  const ColumnInfo& married = pre.columns()[2];
  EXPECT_EQ(married.kind, ColumnKind::boolean);
  EXPECT_EQ(married.categories, (std::vector<std::string>{"no", "yes"}));
  EXPECT_EQ(married.fill, 0.0);
  EXPECT_FALSE(married.has_indicator);
}

TEST(Preprocessor, FeatureLayoutKeepsEachColumnTogether) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  EXPECT_EQ(names_of(pre),
            (std::vector<std::string>{"age", "age (missing)", "home=rent", "home=free", "home=own", "married"}));
  ASSERT_EQ(pre.num_features(), 6);
  const std::vector<int64_t> sources = {0, 0, 1, 1, 1, 2};
  const std::vector<Role> roles = {Role::numeric, Role::missing_indicator, Role::one_hot,
                                   Role::one_hot, Role::one_hot,           Role::boolean};
  for (int64_t j = 0; j < 6; ++j) {
    EXPECT_EQ(pre.features()[j].source, sources[j]) << j;
    EXPECT_EQ(pre.features()[j].role, roles[j]) << j;
  }
  EXPECT_EQ(pre.features()[3].category, "free");
}

TEST(Preprocessor, TransformsTrainingRows) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  const Tensor x = pre.transform(credit_train());
  ASSERT_EQ(x.shape(), (Shape{5, 6}));
  const double ages[] = {20, 30, 40, 35 /* imputed median */, 100};
  const float home[5][3] = {{1, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, 0, 0} /* missing -> rent */, {0, 1, 0}};
  const float married[] = {1, 0, 1, 0, 0};
  for (int64_t r = 0; r < 5; ++r) {
    EXPECT_FLOAT_EQ(x.at({r, 0}), static_cast<float>((ages[r] - 47.5) / kAgeStd)) << r;
    EXPECT_EQ(x.at({r, 1}), r == 3 ? 1.0 : 0.0) << r;
    for (int64_t k = 0; k < 3; ++k) EXPECT_EQ(x.at({r, 2 + k}), home[r][k]) << r << "," << k;
    EXPECT_EQ(x.at({r, 5}), married[r]) << r;
  }
  EXPECT_EQ(pre.last_unseen_count(), 0);
}

TEST(Preprocessor, FeatureMeansAreTheTrainingMatrixMeans) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  // age: (20+30+40+35+100)/5 = 45 -> (45-47.5)/std; indicator 1/5; rent 3/5, free 1/5, own 1/5; married 2/5.
  const std::vector<double> expected = {-2.5 / kAgeStd, 0.2, 0.6, 0.2, 0.2, 0.4};
  ASSERT_EQ(pre.feature_means().shape(), (Shape{6}));
  for (int64_t j = 0; j < 6; ++j) EXPECT_NEAR(pre.feature_means().at({j}), expected[j], 1e-6) << j;
}

TEST(Preprocessor, PiecewiseLinearBinsFollowGorishniyEtAl) {
  PreprocessOptions options = credit_options();
  options.numeric_bins = 2;
  const TabularPreprocessor pre = TabularPreprocessor::fit(credit_train(), options);
  // age 20, 30, 40, 100: the quantiles at 0, 1/2, 1 (lower rank) are 20, 30, 100.
  EXPECT_EQ(pre.columns()[0].edges, (std::vector<double>{20, 30, 100}));
  EXPECT_EQ(names_of(pre)[1], "age (bin 1)");
  EXPECT_EQ(names_of(pre)[2], "age (bin 2)");
  EXPECT_EQ(names_of(pre)[3], "age (missing)");
  EXPECT_EQ(pre.features()[1].role, Role::numeric_bin);
  const Table rows = make_table("rows.csv", {{"age", {"10", "20", "40", "200", NA}},
                                             {"home", {"own", "own", "own", "own", "own"}},
                                             {"married", {"no", "no", "no", "no", "no"}}});
  const Tensor x = pre.transform(rows);
  const int64_t f = pre.num_features();
  const float* d = x.data<float>();
  // The first bin is not clamped below, the last not above; the missing row takes the median 35.
  const std::vector<std::pair<double, double>> expected = {
      {-1, 0}, {0, 0}, {1, 10.0 / 70}, {1, 170.0 / 70}, {1, 5.0 / 70}};
  for (int64_t r = 0; r < 5; ++r) {
    EXPECT_NEAR(d[r * f + 1], expected[r].first, 1e-6) << "row " << r;
    EXPECT_NEAR(d[r * f + 2], expected[r].second, 1e-6) << "row " << r;
    EXPECT_EQ(d[r * f + 3], r == 4 ? 1.0f : 0.0f) << "row " << r;
  }
  // One distinct value gives no bins.
  const Table flat = make_table("t.csv", {{"rate", {"5", "5", "5"}}, {"y", {"a", "b", "a"}}});
  EXPECT_TRUE(TabularPreprocessor::fit(flat, {.target = "y", .positive_label = "a", .numeric_bins = 4})
                  .columns()[0]
                  .edges.empty());
}

TEST(Preprocessor, QuantileScalingGivesNormalScoresThroughTheTrainingQuantiles) {
  PreprocessOptions options = credit_options();
  options.scaling = NumericScaling::quantile;
  const TabularPreprocessor pre = TabularPreprocessor::fit(credit_train(), options);
  // age 20, 30, 40, 100: four values give four knots, the quantiles at 0, 1/3, 2/3 and 1.
  EXPECT_EQ(pre.columns()[0].quantiles, (std::vector<double>{20, 30, 40, 100}));
  const Table rows = make_table("rows.csv", {{"age", {"10", "20", "30", "70", "200", NA}},
                                             {"home", {"own", "own", "own", "own", "own", "own"}},
                                             {"married", {"no", "no", "no", "no", "no", "no"}}});
  const Tensor x = pre.transform(rows);
  const int64_t f = pre.num_features();
  // u = 0, 0, 1/3, (2 + 30/60)/3, 1 and (median 35) 1/2, shrunk to 1/8 + 3/4 u: the probabilities
  // 1/8, 1/8, 3/8, 3/4, 7/8 and 1/2, whose standard normal quantiles are these.
  const std::vector<double> expected = {-1.1503493803760079, -1.1503493803760079, -0.31863936396437514,
                                        0.67448975019608171, 1.1503493803760079,  0.0};
  for (int64_t r = 0; r < 6; ++r) EXPECT_NEAR(x.data<float>()[r * f], expected[r], 1e-6) << "row " << r;
  // Repeated values share the middle of their span: 5, 5, 5 give three knots at 5, and 5 scores 0.
  const Table flat = make_table("t.csv", {{"rate", {"5", "5", "5"}}, {"y", {"a", "b", "a"}}});
  PreprocessOptions flat_options{.target = "y", .positive_label = "a"};
  flat_options.scaling = NumericScaling::quantile;
  const TabularPreprocessor flat_pre = TabularPreprocessor::fit(flat, flat_options);
  EXPECT_EQ(flat_pre.columns()[0].quantiles, (std::vector<double>{5, 5, 5}));
  EXPECT_EQ(flat_pre.transform(flat).data<float>()[0], 0.0f);
  // The standard scaling is untouched and keeps no knots.
  EXPECT_TRUE(TabularPreprocessor::fit(credit_train(), credit_options()).columns()[0].quantiles.empty());
}

TEST(Preprocessor, QuantileScoresAreBoundedWhereStandardScoresAreNot) {
  // A heavy tail: 99 incomes of 1..99 and one of 10^7. Standardized, the 99 crowd into 0.0001 of a
  // unit around -0.1 while the outlier sits near 10; as normal scores they spread over about ±2.6
  // and the outlier is only the next step up.
  std::vector<std::optional<std::string>> income, label;
  for (int i = 1; i <= 99; ++i) income.push_back(std::to_string(i));
  income.push_back("10000000");
  for (int i = 0; i < 100; ++i) label.push_back(i % 2 ? "a" : "b");
  const Table train = make_table("t.csv", {{"income", income}, {"y", label}});
  PreprocessOptions options{.target = "y", .positive_label = "a"};
  options.scaling = NumericScaling::quantile;
  const Tensor x = TabularPreprocessor::fit(train, options).transform(train);
  const float* z = x.data<float>();
  for (int i = 1; i < 100; ++i) EXPECT_GT(z[i], z[i - 1]) << i;
  EXPECT_NEAR(z[99], 2.5758293035489004, 1e-6);  // Hazen: Phi^-1(99.5 / 100)
  EXPECT_NEAR(z[0], -2.5758293035489004, 1e-6);
  EXPECT_NEAR(z[49] + z[50], 0.0, 1e-6);
}

TEST(Preprocessor, MeanImputationAndNoIndicators) {
  PreprocessOptions options = credit_options();
  options.imputation = NumericImputation::mean;
  options.missing_indicators = false;
  const auto pre = TabularPreprocessor::fit(credit_train(), options);
  EXPECT_DOUBLE_EQ(pre.columns()[0].fill, 47.5);
  EXPECT_EQ(names_of(pre), (std::vector<std::string>{"age", "home=rent", "home=free", "home=own", "married"}));
  EXPECT_FLOAT_EQ(pre.transform(credit_train()).at({3, 0}), 0.0f);  // the mean standardizes to 0
}

TEST(Preprocessor, ConstantColumnHasScaleOne) {
  const Table t = make_table("t.csv", {{"rate", {"5", "5", "5"}}, {"y", {"a", "b", "a"}}});
  PreprocessOptions options{.target = "y", .positive_label = "b"};
  const auto pre = TabularPreprocessor::fit(t, options);
  EXPECT_EQ(pre.columns()[0].scale, 1.0);
  EXPECT_EQ(pre.transform(t).at({1, 0}), 0.0);
}

TEST(Preprocessor, UnseenCategoriesGiveZerosAndAreCounted) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  const Table rows =
      make_table("rows.csv", {{"age", {"47.5", "20"}}, {"home", {"castle", "own"}}, {"married", {"no", "yes"}}});
  const Tensor x = pre.transform(rows);
  for (int64_t k = 2; k < 5; ++k) EXPECT_EQ(x.at({0, k}), 0.0) << k;
  EXPECT_EQ(x.at({1, 4}), 1.0);
  EXPECT_EQ(x.at({0, 0}), 0.0);  // the training mean
  EXPECT_EQ(pre.last_unseen_count(), 1);
  pre.transform(credit_train());
  EXPECT_EQ(pre.last_unseen_count(), 0);
}

TEST(Preprocessor, EmbeddingModeGivesCodes) {
  PreprocessOptions options = credit_options();
  options.categorical = CategoricalEncoding::embedding;
  const auto pre = TabularPreprocessor::fit(credit_train(), options);
  EXPECT_EQ(names_of(pre), (std::vector<std::string>{"age", "age (missing)", "home (code)", "married"}));
  const auto slots = pre.embedding_slots();
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].feature, 2);
  EXPECT_EQ(slots[0].cardinality, 4);  // rent, free, own + code 0
  EXPECT_EQ(slots[0].source, 1);
  const Table rows = make_table("rows.csv", {{"age", {"1", "1", "1", "1", "1"}},
                                             {"home", {"rent", "free", "own", "castle", NA}},
                                             {"married", Cells(5, "no")}});
  const Tensor x = pre.transform(rows);
  const float codes[] = {1, 2, 3, 0 /* unseen */, 0 /* missing */};
  for (int64_t r = 0; r < 5; ++r) EXPECT_EQ(x.at({r, 2}), codes[r]) << r;
  EXPECT_EQ(pre.last_unseen_count(), 1);
  EXPECT_TRUE(TabularPreprocessor::fit(credit_train(), credit_options()).embedding_slots().empty());
}

TEST(Preprocessor, TransformFindsColumnsByNameIgnoringOrderExtrasAndTarget) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  const Table shuffled = make_table(
      "rows.csv", {{"married", {"Yes", "no"}}, {"note", {"x", "y"}}, {"home", {"rent", "own"}}, {"age", {"20", "30"}}});
  const Tensor a = pre.transform(shuffled);
  const Tensor b = pre.transform(credit_train().select_rows({0, 1}));
  EXPECT_EQ(a.to_vector<float>(), b.to_vector<float>());
}

TEST(Preprocessor, TargetIsOneForThePositiveLabel) {
  const auto pre = TabularPreprocessor::fit(credit_train(), credit_options());
  EXPECT_EQ(pre.target_classes(credit_train()), (std::vector<int64_t>{1, 0, 0, 1, 0}));
  const Tensor y = pre.target(credit_train());
  EXPECT_EQ(y.shape(), (Shape{5, 1}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{1, 0, 0, 1, 0}));
}

TEST(Preprocessor, KindOverridesDropAndKeep) {
  PreprocessOptions options = credit_options();
  options.kinds = {{"age", ColumnKind::categorical}, {"married", ColumnKind::categorical}};
  options.drop = {"home"};
  auto pre = TabularPreprocessor::fit(credit_train(), options);
  // age as categories: 100, 20, 30, 40 (each once: by name); married: no x3, then Yes, YES.
  EXPECT_EQ(names_of(pre), (std::vector<std::string>{"age=100", "age=20", "age=30", "age=40", "married=no",
                                                     "married=YES", "married=Yes"}));
  options = credit_options();
  options.keep = {"married", "class"};
  pre = TabularPreprocessor::fit(credit_train(), options);
  EXPECT_EQ(names_of(pre), (std::vector<std::string>{"married"}));
}

TEST(Preprocessor, ForcedBooleanTakesAnyTwoValuesSorted) {
  const Table t = make_table("t.csv", {{"grade", {"B", "A", "B"}}, {"y", {"a", "b", "a"}}});
  PreprocessOptions options{.target = "y", .positive_label = "b", .kinds = {{"grade", ColumnKind::boolean}}};
  const auto pre = TabularPreprocessor::fit(t, options);
  EXPECT_EQ(pre.columns()[0].categories, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pre.transform(t).to_vector<float>(), (std::vector<float>{1, 0, 1}));
}

TEST(Preprocessor, UsesTrainingStatisticsOnly) {
  // Fit on rows 0-2 (ages 20, 30, 40): mean 30, std sqrt(200/3). Row 4 is test-only.
  Table all = credit_train();
  const std::vector<int64_t> train_rows = {0, 1, 2};
  const auto pre = TabularPreprocessor::fit(all.select_rows(train_rows), credit_options());
  EXPECT_DOUBLE_EQ(pre.columns()[0].center, 30.0);
  EXPECT_FALSE(pre.columns()[0].has_indicator);  // no missing value among the training rows
  EXPECT_EQ(pre.columns()[1].categories, (std::vector<std::string>{"rent", "own"}));
  const Tensor test_x = pre.transform(all.select_rows({4}));
  EXPECT_FLOAT_EQ(test_x.at({0, 0}), static_cast<float>((100 - 30) / std::sqrt(200.0 / 3)));
  all.columns[0].values[4] = "1000";  // change a test-only value: the fitted statistics do not move
  const auto again = TabularPreprocessor::fit(all.select_rows(train_rows), credit_options());
  EXPECT_EQ(again.to_json(), pre.to_json());
}

TEST(Preprocessor, DescribeGivesTheRawValue) {
  const Table train = credit_train();
  const auto pre = TabularPreprocessor::fit(train, credit_options());
  EXPECT_EQ(pre.describe(train, 0, 0), "age = 20");
  EXPECT_EQ(pre.describe(train, 3, 0), "age = (missing)");
  EXPECT_EQ(pre.describe(train, 4, 1), "home = free");
  EXPECT_EQ(pre.describe(train, 0, 2), "married = Yes");
}

}  // namespace
}  // namespace deepfin::data
