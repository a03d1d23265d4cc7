// Every way fitting or transforming can be handed bad input, and what the message says.
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "tabular_test_util.h"

namespace deepfin::data {
namespace {

using testing::make_table;
using testing::NA;
using testing::throws_with;

Table train_table() {
  return make_table("train.csv", {{"Income", {"10", "20", "30"}},
                                  {"Home", {"rent", "own", "rent"}},
                                  {"Flag", {"y", "n", "y"}},
                                  {"class", {"bad", "good", "good"}}});
}

PreprocessOptions options_for(std::string target = "class", std::string positive = "bad") {
  PreprocessOptions options;
  options.target = std::move(target);
  options.positive_label = std::move(positive);
  return options;
}

TEST(PreprocessorErrors, EmptyTargetOrPositiveLabel) {
  EXPECT_TRUE(throws_with<ConfigError>([] { TabularPreprocessor::fit(train_table(), options_for("")); },
                                       {"train.csv", "target", "Income, Home, Flag, class"}));
  EXPECT_TRUE(throws_with<ConfigError>([] { TabularPreprocessor::fit(train_table(), options_for("class", "")); },
                                       {"train.csv", "positive label", "'class'"}));
}

TEST(PreprocessorErrors, NamedColumnsMustExist) {
  const std::string listing = "Income, Home, Flag, class";
  EXPECT_TRUE(throws_with<ConfigError>([] { TabularPreprocessor::fit(train_table(), options_for("label")); },
                                       {"train.csv", "'label'", listing}));
  auto options = options_for();
  options.drop = {"Incme"};
  EXPECT_TRUE(
      throws_with<ConfigError>([&] { TabularPreprocessor::fit(train_table(), options); }, {"'Incme'", listing}));
  options = options_for();
  options.keep = {"home"};  // names are case-sensitive
  EXPECT_TRUE(throws_with<ConfigError>([&] { TabularPreprocessor::fit(train_table(), options); }, {"'home'", listing}));
  options = options_for();
  options.kinds = {{"Age", ColumnKind::numeric}};
  EXPECT_TRUE(throws_with<ConfigError>([&] { TabularPreprocessor::fit(train_table(), options); }, {"'Age'", listing}));
}

TEST(PreprocessorErrors, TargetProblems) {
  Table t = train_table();
  t.columns[3].values[1] = NA;
  EXPECT_TRUE(throws_with<ConfigError>([&] { TabularPreprocessor::fit(t, options_for()); },
                                       {"train.csv:3: column 'class'", "missing"}));
  EXPECT_TRUE(throws_with<ConfigError>([] { TabularPreprocessor::fit(train_table(), options_for("class", "Bad")); },
                                       {"train.csv", "'Bad'", "never occurs", "'bad'", "'good'"}));
  t = train_table();
  t.columns[3].values = {"good", "good", "good"};
  EXPECT_TRUE(throws_with<ConfigError>([&] { TabularPreprocessor::fit(t, options_for("class", "good")); },
                                       {"train.csv", "column 'class' has one class only: 'good'"}));
}

TEST(PreprocessorErrors, NoFeatureLeft) {
  auto options = options_for();
  options.drop = {"Income", "Home", "Flag"};
  EXPECT_TRUE(throws_with<ConfigError>([&] { TabularPreprocessor::fit(train_table(), options); },
                                       {"train.csv", "no feature columns"}));
}

TEST(PreprocessorErrors, ForcedNumericWithTextCell) {
  auto options = options_for();
  options.kinds = {{"Home", ColumnKind::numeric}};
  EXPECT_TRUE(throws_with<ValueError>([&] { TabularPreprocessor::fit(train_table(), options); },
                                      {"train.csv:2: column 'Home'", "'rent'", "numeric"}));
}

TEST(PreprocessorErrors, ForcedBooleanWithThreeValues) {
  auto options = options_for();
  options.kinds = {{"Income", ColumnKind::boolean}};
  EXPECT_TRUE(throws_with<ValueError>([&] { TabularPreprocessor::fit(train_table(), options); },
                                      {"train.csv:4: column 'Income'", "'30'", "boolean"}));
}

TEST(PreprocessorErrors, TransformMissingColumn) {
  const auto pre = TabularPreprocessor::fit(train_table(), options_for());
  const Table rows = make_table("rows.csv", {{"Home", {"rent"}}, {"Flag", {"y"}}});
  EXPECT_TRUE(throws_with<NotFoundError>([&] { pre.transform(rows); },
                                         {"column 'Income' is missing from rows.csv; the model was trained with it"}));
}

TEST(PreprocessorErrors, TransformBadCells) {
  const auto pre = TabularPreprocessor::fit(train_table(), options_for());
  const Table text =
      make_table("rows.csv", {{"Income", {"5", "abc"}}, {"Home", {"rent", "own"}}, {"Flag", {"y", "n"}}});
  EXPECT_TRUE(throws_with<ValueError>([&] { pre.transform(text); }, {"rows.csv:3: column 'Income'", "'abc'"}));
  const Table inf = make_table("rows.csv", {{"Income", {"inf"}}, {"Home", {"rent"}}, {"Flag", {"y"}}});
  EXPECT_TRUE(throws_with<ValueError>([&] { pre.transform(inf); }, {"rows.csv:2: column 'Income'", "'inf'"}));
  const Table flag = make_table("rows.csv", {{"Income", {"5"}}, {"Home", {"rent"}}, {"Flag", {"maybe"}}});
  EXPECT_TRUE(
      throws_with<ValueError>([&] { pre.transform(flag); }, {"rows.csv:2: column 'Flag'", "'maybe'", "'n'", "'y'"}));
}

TEST(PreprocessorErrors, AZeroOneColumnReadsOtherNumbersAsNumbers) {
  // Only 0 and 1 in training (a count of delinquencies, say): inferred boolean.
  const Table train = make_table("train.csv", {{"Delinq", {"0", "1", "0"}}, {"class", {"bad", "good", "good"}}});
  const auto pre = TabularPreprocessor::fit(train, options_for());
  const Table rows = make_table("rows.csv", {{"Delinq", {"2", "1", "0", "0.5"}}});
  const std::vector<float> x = pre.transform(rows).to_vector<float>();
  ASSERT_EQ(x.size() % 4, 0u);
  const size_t width = x.size() / 4;
  EXPECT_EQ(x[0 * width], 2.0f);
  EXPECT_EQ(x[1 * width], 1.0f);
  EXPECT_EQ(x[2 * width], 0.0f);
  EXPECT_EQ(x[3 * width], 0.5f);
  const Table words = make_table("rows.csv", {{"Delinq", {"many"}}});
  EXPECT_TRUE(throws_with<ValueError>([&] { pre.transform(words); }, {"rows.csv:2: column 'Delinq'", "'many'"}));
}

TEST(PreprocessorErrors, TargetAbsentOrMissing) {
  const auto pre = TabularPreprocessor::fit(train_table(), options_for());
  const Table no_target = make_table("rows.csv", {{"Income", {"5"}}});
  EXPECT_TRUE(throws_with<NotFoundError>([&] { pre.target(no_target); }, {"rows.csv", "'class'"}));
  const Table missing = make_table("rows.csv", {{"class", {"bad", NA}}});
  EXPECT_TRUE(throws_with<ValueError>([&] { pre.target(missing); }, {"rows.csv:3: column 'class'", "missing"}));
}

TEST(PreprocessorErrors, DescribeOutOfRange) {
  const Table t = train_table();
  const auto pre = TabularPreprocessor::fit(t, options_for());
  EXPECT_TRUE(throws_with<IndexError>([&] { pre.describe(t, 0, 3); }, {"3", "[0, 3)"}));
  EXPECT_TRUE(throws_with<IndexError>([&] { pre.describe(t, 7, 0); }, {"train.csv", "row 7"}));
}

TEST(PreprocessorErrors, EncodingAndImputationNames) {
  EXPECT_EQ(categorical_encoding_from_string("embedding"), CategoricalEncoding::embedding);
  EXPECT_EQ(numeric_imputation_from_string("mean"), NumericImputation::mean);
  EXPECT_TRUE(throws_with<ConfigError>([] { categorical_encoding_from_string("onehot"); }, {"'onehot'", "one_hot"}));
  EXPECT_TRUE(throws_with<ConfigError>([] { numeric_imputation_from_string("mode"); }, {"'mode'", "median"}));
}

}  // namespace
}  // namespace deepfin::data
