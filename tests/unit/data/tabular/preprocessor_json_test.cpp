// The preprocessor saved as JSON and loaded back maps rows bit-identically; broken documents are FileErrors.
#include <gtest/gtest.h>

#include <cstring>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "tabular_test_util.h"

namespace deepfin::data {
namespace {

using testing::make_table;
using testing::NA;
using testing::throws_with;

Table train_table_with_na() {
  return make_table("train.csv", {{"Income", {"10.1", "20.7", NA, "33.3", "0.01"}},
                                  {"Home", {"rent", "own", "rent", NA, "free"}},
                                  {"Flag", {"y", NA, "n", "Y", "y"}},
                                  {"class", {"bad", "good", "good", "bad", "good"}}});
}

Table test_table() {
  return make_table("rows.csv",
                    {{"Income", {"1e3", NA, "-7.77"}}, {"Home", {"castle", "own", NA}}, {"Flag", {"n", "y", NA}}});
}

void expect_round_trip(const PreprocessOptions& options) {
  const auto pre = TabularPreprocessor::fit(train_table_with_na(), options);
  const nlohmann::json saved = nlohmann::json::parse(pre.to_json().dump(2));  // through text, as on disk
  const auto loaded = TabularPreprocessor::from_json(saved);
  const Tensor a = pre.transform(test_table()), b = loaded.transform(test_table());
  ASSERT_EQ(a.shape(), b.shape());
  EXPECT_EQ(std::memcmp(a.data<float>(), b.data<float>(), a.numel() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(pre.feature_means().data<float>(), loaded.feature_means().data<float>(),
                        pre.num_features() * sizeof(float)),
            0);
  EXPECT_EQ(loaded.to_json(), pre.to_json());
  EXPECT_EQ(loaded.options().kinds, options.kinds);
  EXPECT_EQ(loaded.target_classes(train_table_with_na()), pre.target_classes(train_table_with_na()));
}

TEST(PreprocessorJson, RoundTripIsBitIdentical) {
  PreprocessOptions options;
  options.target = "class";
  options.positive_label = "bad";
  expect_round_trip(options);
  options.categorical = CategoricalEncoding::embedding;
  options.imputation = NumericImputation::mean;
  options.kinds = {{"Flag", ColumnKind::categorical}};
  options.drop = {"Home"};
  expect_round_trip(options);
  options.numeric_bins = 3;
  expect_round_trip(options);
  options.scaling = NumericScaling::quantile;
  expect_round_trip(options);
}

TEST(PreprocessorJson, QuantileKnotsMustBeNonDecreasingAndFinite) {
  PreprocessOptions options{.target = "class", .positive_label = "bad"};
  options.scaling = NumericScaling::quantile;
  const nlohmann::json good = TabularPreprocessor::fit(train_table_with_na(), options).to_json();
  ASSERT_GE(good["columns"][0]["quantiles"].size(), 2u);
  EXPECT_EQ(good["options"]["numeric_scaling"], "quantile");
  nlohmann::json j = good;
  j["columns"][0]["quantiles"] = {3.0, 1.0};
  EXPECT_TRUE(
      throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].quantiles", "non-decreasing"}));
  j = good;
  j["columns"][0]["quantiles"] = {1.0};
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].quantiles"}));
  // Quantile scaling is version 2, which a reader from before it refuses instead of standardizing.
  EXPECT_EQ(good["version"], 2);
  EXPECT_EQ(TabularPreprocessor::fit(train_table_with_na(), {.target = "class", .positive_label = "bad"})
                .to_json()["version"],
            1);
  j = good;
  j["version"] = 1;
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"version 1 does not match"}));
  j = good;
  j["version"] = 2;
  j["options"]["numeric_scaling"] = "standard";
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"version 2 does not match"}));
  j["version"] = 1;
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); },
                                     {"'columns[0].quantiles' of column", "numeric_scaling is 'standard'"}));
  j = good;
  j["options"]["numeric_scaling"] = "robust";
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); },
                                     {"options.numeric_scaling", "expected standard or quantile"}));
  // A file from before quantile scaling has neither key and reads as standard scaling.
  j = TabularPreprocessor::fit(train_table_with_na(), {.target = "class", .positive_label = "bad"}).to_json();
  j["options"].erase("numeric_scaling");
  for (auto& c : j["columns"]) c.erase("quantiles");
  const TabularPreprocessor old = TabularPreprocessor::from_json(j);
  EXPECT_EQ(old.options().scaling, NumericScaling::standard);
  EXPECT_TRUE(old.columns()[0].quantiles.empty());
}

TEST(PreprocessorJson, BinEdgesMustBeIncreasingAndFinite) {
  PreprocessOptions options{.target = "class", .positive_label = "bad", .numeric_bins = 3};
  const nlohmann::json good = TabularPreprocessor::fit(train_table_with_na(), options).to_json();
  ASSERT_GE(good["columns"][0]["edges"].size(), 2u);
  nlohmann::json j = good;
  j["columns"][0]["edges"] = {3.0, 1.0};
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].edges", "increasing"}));
  j = good;
  j["columns"][0]["edges"] = {1.0};
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].edges"}));
  // A file from before bins has no edges and reads as no bins.
  j = good;
  j["options"].erase("numeric_bins");
  for (auto& c : j["columns"]) c.erase("edges");
  j["feature_means"] = TabularPreprocessor::fit(train_table_with_na(), {.target = "class", .positive_label = "bad"})
                           .to_json()["feature_means"];
  EXPECT_EQ(TabularPreprocessor::from_json(j).options().numeric_bins, 0);
}

TEST(PreprocessorJson, MissingKeysAreNamed) {
  PreprocessOptions options{.target = "class", .positive_label = "bad"};
  const nlohmann::json good = TabularPreprocessor::fit(train_table_with_na(), options).to_json();
  nlohmann::json j = good;
  j["columns"][1].erase("categories");
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[1].categories"}));
  j = good;
  j["options"].erase("target");
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"options.target"}));
  j = good;
  j.erase("feature_means");
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"feature_means"}));
  EXPECT_TRUE(throws_with<FileError>([] { TabularPreprocessor::from_json(nlohmann::json::array()); }, {"version"}));
}

TEST(PreprocessorJson, MalformedValuesAreFileErrors) {
  PreprocessOptions options{.target = "class", .positive_label = "bad"};
  const nlohmann::json good = TabularPreprocessor::fit(train_table_with_na(), options).to_json();
  nlohmann::json j = good;
  j["columns"][0]["scale"] = "wide";
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].scale"}));
  j = good;
  j["columns"][0]["kind"] = "text";
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].kind", "'text'"}));
  j = good;
  j["options"]["categorical"] = "hash";
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"options.categorical", "'hash'"}));
  j = good;
  j["feature_means"].erase(0);
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"feature_means"}));
  j = good;
  j["columns"][2]["categories"] = {"n"};
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[2].categories", "Flag"}));
  j = good;
  j["columns"][0]["scale"] = 0.0;
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"columns[0].scale", "> 0"}));
  j = good;
  j["version"] = 99;
  EXPECT_TRUE(throws_with<FileError>([&] { TabularPreprocessor::from_json(j); }, {"version 99"}));
}

}  // namespace
}  // namespace deepfin::data
