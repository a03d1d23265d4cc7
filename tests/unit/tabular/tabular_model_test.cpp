// TabularModel: one file holds preprocessing, model, baseline, threshold and
// scorecard; explanations add up (completeness) and roll one-hot and embedded
// features up to the columns the applicant filled in.
#include "deepfin/tabular/tabular_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "deepfin/core/random.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/nn/layers.h"

namespace deepfin {
namespace {

data::Table credit_table(int rows, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const char* housing[] = {"own", "rent", "free"};
  std::string csv = "income,housing,status\n";
  for (int i = 0; i < rows; ++i) {
    const double income = 50 + 15 * normal(gen);
    const int h = static_cast<int>(gen() % 3);
    const bool bad = -0.1 * (income - 50) + (h == 1 ? 1.5 : -0.5) + normal(gen) > 0;
    csv += std::to_string(income) + "," + housing[h] + "," + (bad ? "bad" : "good") + "\n";
  }
  return data::parse_csv(csv, "credit.csv");
}

data::PreprocessOptions options(data::CategoricalEncoding encoding = data::CategoricalEncoding::one_hot) {
  data::PreprocessOptions o;
  o.target = "status";
  o.positive_label = "bad";
  o.categorical = encoding;
  return o;
}

tabular::TabularModel trained(const data::Table& table, data::CategoricalEncoding encoding, bool linear) {
  set_random_seed(5);
  auto pre = data::TabularPreprocessor::fit(table, options(encoding));
  std::vector<std::shared_ptr<nn::Layer>> layers;
  if (encoding == data::CategoricalEncoding::embedding) {
    std::vector<nn::CategoricalSlot> slots;
    for (const auto& s : pre.embedding_slots()) slots.push_back({.feature = s.feature, .cardinality = s.cardinality});
    layers.push_back(layers::CategoricalEmbedding(slots));
  }
  if (!linear) layers.push_back(layers::Dense(8, {.activation = "tanh"}));
  layers.push_back(layers::Dense(1, {.activation = "sigmoid"}));
  auto model = std::make_shared<Sequential>(layers);
  model->compile({.optimizer = "adam", .loss = "binary_crossentropy"});
  model->fit(pre.transform(table), pre.target(table), {.epochs = 5, .verbose = 0});
  tabular::TabularModel out(std::move(pre), model);
  out.set_baseline_from(table);
  return out;
}

TEST(TabularModel, SaveLoadKeepsEverythingAndScoresIdentically) {
  const data::Table table = credit_table(200, 1);
  tabular::TabularModel model = trained(table, data::CategoricalEncoding::one_hot, false);
  model.set_threshold(0.25);
  model.set_scorecard({.base_score = 500, .base_odds = 20, .points_to_double_odds = 40});
  const std::string path = (std::filesystem::temp_directory_path() / "deepfin_tabular_model.safetensors").string();
  model.save(path);
  const tabular::TabularModel loaded = tabular::TabularModel::load(path);
  EXPECT_EQ(loaded.predict_proba(table), model.predict_proba(table));
  EXPECT_EQ(loaded.baseline(), model.baseline());
  EXPECT_DOUBLE_EQ(loaded.threshold(), 0.25);
  EXPECT_DOUBLE_EQ(loaded.scorecard().points_to_double_odds, 40);
  std::filesystem::remove(path);
}

TEST(TabularModel, CalibrationMapsAreMonotoneAndSaved) {
  const data::Table table = credit_table(300, 6);
  tabular::TabularModel model = trained(table, data::CategoricalEncoding::one_hot, false);
  const std::vector<double> raw = model.predict_proba(table);
  for (const char* method : {"platt", "isotonic"}) {
    model.calibrate(table, method);
    EXPECT_EQ(model.calibration(), method);
    const std::vector<double> p = model.predict_proba(table);
    // Monotone in the network's probability, and isotonic fits the observed rate on its own data:
    // mean calibrated probability equals the positive rate (PAV preserves block means).
    for (size_t i = 0; i < raw.size(); ++i) {
      for (size_t j = 0; j < raw.size(); ++j) {
        if (raw[i] < raw[j]) {
          ASSERT_LE(p[i], p[j] + 1e-12) << method;
        }
      }
    }
    if (std::string(method) == "isotonic") {
      const auto labels = model.preprocessor().target_classes(table);
      double mean_p = 0, rate = 0;
      for (size_t i = 0; i < p.size(); ++i) mean_p += p[i], rate += static_cast<double>(labels[i]);
      EXPECT_NEAR(mean_p / p.size(), rate / p.size(), 1e-9);
    }
    const std::string path = (std::filesystem::temp_directory_path() / "deepfin_calibrated.safetensors").string();
    model.save(path);
    EXPECT_EQ(tabular::TabularModel::load(path).predict_proba(table), p) << method;
    std::filesystem::remove(path);
  }
  EXPECT_THROW(model.calibrate(table, "beta"), ConfigError);
  model.calibrate(table, "none");
  EXPECT_EQ(model.predict_proba(table), raw);
}

TEST(TabularModel, LinearModelAttributionsAreExactAndRollUpOneHotLevels) {
  const data::Table table = credit_table(120, 2);
  const tabular::TabularModel model = trained(table, data::CategoricalEncoding::one_hot, true);
  const data::Table rows = table.select_rows({0, 1, 2, 3});
  const auto explanations = model.explain(rows);
  const auto& pre = model.preprocessor();
  const Tensor x = pre.transform(rows);
  const Tensor kernel = model.model().layers().back()->weights()[0].value;  // (features, 1)
  const std::vector<float>& base = model.baseline();
  ASSERT_EQ(pre.columns().size(), 2u);
  for (size_t i = 0; i < explanations.size(); ++i) {
    const auto& e = explanations[i];
    // For a linear log-odds, IG_j = (x_j - b_j) w_j exactly; a column gets the sum over its features.
    std::vector<double> expected(2, 0.0);
    for (int64_t j = 0; j < pre.num_features(); ++j)
      expected[pre.features()[j].source] += (x.at({static_cast<int64_t>(i), j}) - base[j]) * kernel.at({j, 0});
    EXPECT_NEAR(e.column_attributions[0], expected[0], 1e-4);
    EXPECT_NEAR(e.column_attributions[1], expected[1], 1e-4);
    EXPECT_NEAR(e.column_attributions[0] + e.column_attributions[1], e.log_odds - e.baseline_log_odds, 1e-4);
    EXPECT_NEAR(e.probability, 1.0 / (1.0 + std::exp(-e.log_odds)), 1e-9);
    EXPECT_EQ(e.adverse, e.probability >= model.threshold());
    for (const auto& r : e.reasons) EXPECT_GT(r.attribution, 0.0);
  }
}

TEST(TabularModel, EmbeddedCategoriesAreExplainedOnTheirColumn) {
  const data::Table table = credit_table(150, 3);
  const tabular::TabularModel model = trained(table, data::CategoricalEncoding::embedding, false);
  const auto explanations = model.explain(table.select_rows({0, 1, 2, 3, 4, 5}), {.integration = {.steps = 256}});
  bool housing_reason = false;
  for (const auto& e : explanations) {
    ASSERT_EQ(e.column_attributions.size(), 2u);
    EXPECT_LT(std::abs(e.completeness_gap), 2e-3);
    for (const auto& r : e.reasons) housing_reason |= r.text.rfind("housing = ", 0) == 0;
  }
  EXPECT_TRUE(housing_reason);  // renting drives risk in this data, through the embedding
}

TEST(TabularModel, RefusesModelsWithoutOneSigmoidOutputAndNonTabularFiles) {
  const data::Table table = credit_table(40, 4);
  auto pre = data::TabularPreprocessor::fit(table, options());
  auto softmax = std::make_shared<Sequential>(
      std::vector<std::shared_ptr<nn::Layer>>{layers::Dense(2, {.activation = "softmax"})});
  EXPECT_THROW(tabular::TabularModel(pre, softmax), ConfigError);
  Sequential plain({layers::Dense(1, {.input_shape = {3}})});
  const std::string path = (std::filesystem::temp_directory_path() / "deepfin_plain_model.safetensors").string();
  plain.save(path);
  try {
    tabular::TabularModel::load(path);
    FAIL() << "a plain model loaded as tabular";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("not a tabular model"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
  tabular::TabularModel model = trained(table, data::CategoricalEncoding::one_hot, true);
  EXPECT_THROW(model.set_threshold(1.0), ValueError);
}

}  // namespace
}  // namespace deepfin
