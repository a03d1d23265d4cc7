#include "deepfin/metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace deepfin {
namespace {

// Values from a braced list; the shape defaults to 1-D.
Tensor vec(std::initializer_list<double> values, Shape shape = {}) {
  const std::vector<double> v(values);
  if (shape.empty()) shape = {static_cast<int64_t>(v.size())};
  return from_vector(v, shape);
}
Tensor vec(const std::vector<double>& v) {
  return from_vector(v, {static_cast<int64_t>(v.size())});
}

TEST(AUC, HandComputedCasesIncludingTies) {
  metrics::AUC auc;
  auc.update_state(vec({0, 0, 1, 1}), vec({0.1, 0.4, 0.35, 0.8}));
  EXPECT_DOUBLE_EQ(auc.result(), 0.75);
  auc.reset_state();
  auc.update_state(vec({0, 1, 0, 1}), vec({0.5, 0.5, 0.5, 0.5}));
  EXPECT_DOUBLE_EQ(auc.result(), 0.5);
  // One tie between a positive and a negative: pairs (p=0.6 vs 0.6) count 1/2.
  // Positives {0.9, 0.6}, negatives {0.6, 0.2}: pairs 1 + 1 + 0.5 + 1 = 3.5 of 4.
  auc.reset_state();
  auc.update_state(vec({1, 1, 0, 0}), vec({0.9, 0.6, 0.6, 0.2}));
  EXPECT_DOUBLE_EQ(auc.result(), 3.5 / 4);
  auc.reset_state();
  EXPECT_EQ(auc.result(), 0.0);  // no positives or negatives yet
}

TEST(AUC, AccumulatesAcrossBatchesAndWeighs) {
  const std::vector<double> labels{0, 1, 1, 0, 1, 0, 0, 1}, scores{0.3, 0.8, 0.3, 0.1, 0.55, 0.7, 0.3, 0.9};
  metrics::AUC one, two;
  one.update_state(vec(labels), vec(scores));
  two.update_state(vec({0, 1, 1, 0}), vec({0.3, 0.8, 0.3, 0.1}));
  two.update_state(vec({1, 0, 0, 1}), vec({0.55, 0.7, 0.3, 0.9}));
  EXPECT_DOUBLE_EQ(one.result(), two.result());
  // Brute-force weighted Mann-Whitney.
  const std::vector<double> w{1, 2, 0.5, 1, 3, 1, 2, 1};
  double num = 0, wp = 0, wn = 0;
  for (size_t i = 0; i < labels.size(); ++i) (labels[i] ? wp : wn) += w[i];
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = 0; j < labels.size(); ++j)
      if (labels[i] == 1 && labels[j] == 0)
        num += w[i] * w[j] * (scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0);
  metrics::AUC weighted;
  weighted.update_state(vec(labels), vec(scores), vec(w));
  EXPECT_NEAR(weighted.result(), num / (wp * wn), 1e-12);
}

TEST(PrecisionRecall, HandCases) {
  // Predictions > 0.5: {1, 1, 0, 1, 0}; labels {1, 0, 1, 1, 0}: tp 2, fp 1, fn 1.
  metrics::Precision precision;
  metrics::Recall recall;
  Tensor y = vec({1, 0, 1, 1, 0}, {5, 1}), p = vec({0.9, 0.6, 0.5, 0.7, 0.1}, {5, 1});
  precision.update_state(y, p);
  recall.update_state(y, p);
  EXPECT_DOUBLE_EQ(precision.result(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(recall.result(), 2.0 / 3);
  // Weighted: sample 1 (a false positive) weighs 3 → precision 2 / 5; recall unchanged.
  metrics::Precision wp;
  wp.update_state(y, p, vec({1, 3, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(wp.result(), 2.0 / 5);
  metrics::Recall empty;
  EXPECT_EQ(empty.result(), 0.0);
}

TEST(Accuracy, CategoricalSparseAndBinary) {
  Tensor probs = vec({0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6}, {3, 3});  // argmax 1, 0, 2
  metrics::Accuracy cat(metrics::AccuracyKind::categorical);
  cat.update_state(vec({0, 1, 0, 0, 0, 1, 1, 0, 0}, {3, 3}), probs);
  EXPECT_DOUBLE_EQ(cat.result(), 1.0 / 3);
  metrics::Accuracy sparse(metrics::AccuracyKind::sparse_categorical);
  sparse.update_state(from_vector(std::vector<int64_t>{1, 0, 0}, {3}), probs);
  EXPECT_DOUBLE_EQ(sparse.result(), 2.0 / 3);
  sparse.update_state(vec({2}, {1, 1}), vec({0, 0, 1}, {1, 3}));  // (N, 1) float labels
  EXPECT_DOUBLE_EQ(sparse.result(), 3.0 / 4);
  metrics::Accuracy binary(metrics::AccuracyKind::binary);
  binary.update_state(vec({1, 0, 1, 0}), vec({0.7, 0.5, 0.4, 0.2}, {4, 1}));  // 0.5 is not > 0.5
  EXPECT_DOUBLE_EQ(binary.result(), 0.75);
  binary.update_state(vec({1}), vec({0.9}, {1, 1}), vec({4}));
  EXPECT_DOUBLE_EQ(binary.result(), (3.0 + 4.0) / 8);
}

TEST(Accuracy, ResolvesLikeKeras) {
  auto kind = [](const std::string& loss, Shape out) {
    auto m = metrics::get("accuracy", loss, out);
    EXPECT_EQ(m->name(), "accuracy");
    return dynamic_cast<metrics::Accuracy&>(*m).kind();
  };
  EXPECT_EQ(kind("categorical_crossentropy", {10}), metrics::AccuracyKind::categorical);
  EXPECT_EQ(kind("sparse_categorical_crossentropy", {10}), metrics::AccuracyKind::sparse_categorical);
  EXPECT_EQ(kind("binary_crossentropy", {3}), metrics::AccuracyKind::binary);
  EXPECT_EQ(kind("mse", {1}), metrics::AccuracyKind::binary);
  EXPECT_EQ(metrics::get("acc", "", {5})->name(), "acc");
  // Undecided by the loss: int labels → sparse, one-hot → categorical, per batch.
  auto m = metrics::get("accuracy", "", {3});
  Tensor probs = vec({0.1, 0.7, 0.2, 0.5, 0.3, 0.2}, {2, 3});
  m->update_state(from_vector(std::vector<int64_t>{1, 2}, {2}), probs);
  EXPECT_DOUBLE_EQ(m->result(), 0.5);
  m->reset_state();
  m->update_state(vec({0, 1, 0, 1, 0, 0}, {2, 3}), probs);
  EXPECT_DOUBLE_EQ(m->result(), 1.0);
}

TEST(RegressionMetrics, MseMaeRmseWeighted) {
  Tensor y = vec({0, 1, 2, 3}, {2, 2}), p = vec({1, 1, 2, 5}, {2, 2});
  auto mse = metrics::get("mse"), mae = metrics::get("mae"), rmse = metrics::get("rmse");
  for (auto* m : {mse.get(), mae.get(), rmse.get()}) m->update_state(y, p, vec({1, 3}));
  // Errors: sample 0 {1, 0}, sample 1 {0, 2} with weight 3.
  EXPECT_DOUBLE_EQ(mse->result(), (1 + 3 * 4.0) / 8);
  EXPECT_DOUBLE_EQ(mae->result(), (1 + 3 * 2.0) / 8);
  EXPECT_DOUBLE_EQ(rmse->result(), std::sqrt((1 + 3 * 4.0) / 8));
  EXPECT_EQ(rmse->name(), "rmse");
}

TEST(Metrics, BadInputAndUnknownNames) {
  metrics::AUC auc;
  try {
    auc.update_state(vec({1, 0, 1}), vec({0.5, 0.2}));
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("auc"), std::string::npos);
  }
  metrics::Accuracy cat(metrics::AccuracyKind::categorical);
  EXPECT_THROW(cat.update_state(vec({0, 1}, {1, 2}), vec({0.1, 0.2, 0.7}, {1, 3})), ShapeError);
  EXPECT_THROW(auc.update_state(vec({1, 0}), vec({0.5, 0.2}), vec({1, 1, 1})), ShapeError);
  try {
    metrics::get("f1");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("precision"), std::string::npos);
  }
}

TEST(Mean, WeightedMeanOfValues) {
  metrics::Mean m("loss");
  m.update_state(vec({1, 2, 3}));
  m.add(10, 2);
  EXPECT_DOUBLE_EQ(m.result(), (6 + 20) / 5.0);
  m.reset_state();
  EXPECT_EQ(m.result(), 0.0);
}

}  // namespace
}  // namespace deepfin
