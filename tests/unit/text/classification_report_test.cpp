// classification_report on a hand-computed confusion matrix (with a class never predicted and one never
// present), against a brute-force per-class count, the text table, and errors.
#include <gtest/gtest.h>

#include <random>

#include "deepfin/base/error.h"
#include "deepfin/metrics/classification.h"

namespace deepfin::metrics {
namespace {

// true:  0 0 0 1 1 1 1 2 2 2
// pred:  0 1 0 1 1 0 1 1 1 0   (class 2 is never predicted)
// confusion [true][pred] = [[2,1,0],[1,3,0],[1,2,0]]
// precision = 2/4, 3/6, 0 (zero_division = 0);  recall = 2/3, 3/4, 0/3
// f1 = 4/7, 0.6, 0;  accuracy 5/10;  macro F1 (4/7 + 0.6) / 3;  weighted (3 * 4/7 + 4 * 0.6) / 10
const std::vector<int64_t> kTrue = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
const std::vector<int64_t> kPred = {0, 1, 0, 1, 1, 0, 1, 1, 1, 0};
const std::vector<std::string> kNames = {"negative", "neutral", "positive"};

TEST(ClassificationReport, HandComputedWithANeverPredictedClass) {
  const ClassReport r = classification_report(kTrue, kPred, kNames);
  EXPECT_EQ(r.confusion, (std::vector<std::vector<int64_t>>{{2, 1, 0}, {1, 3, 0}, {1, 2, 0}}));
  EXPECT_EQ(r.support, (std::vector<int64_t>{3, 4, 3}));
  EXPECT_DOUBLE_EQ(r.precision[0], 0.5);
  EXPECT_DOUBLE_EQ(r.precision[1], 0.5);
  EXPECT_DOUBLE_EQ(r.precision[2], 0.0);
  EXPECT_DOUBLE_EQ(r.recall[0], 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.recall[1], 0.75);
  EXPECT_DOUBLE_EQ(r.recall[2], 0.0);
  EXPECT_NEAR(r.f1[0], 4.0 / 7, 1e-15);
  EXPECT_NEAR(r.f1[1], 0.6, 1e-15);
  EXPECT_DOUBLE_EQ(r.f1[2], 0.0);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
  EXPECT_NEAR(r.macro_f1, (4.0 / 7 + 0.6) / 3, 1e-15);
  EXPECT_NEAR(r.weighted_f1, (3 * 4.0 / 7 + 4 * 0.6) / 10, 1e-15);
  EXPECT_EQ(r.num_samples(), 10);
}

TEST(ClassificationReport, AClassWithNoExamplesStillCountsInTheMacroAverage) {
  // Class 3 ("other") never occurs but is predicted once: precision 0, recall 0 (zero_division), f1 0.
  const std::vector<int64_t> y_true = {0, 1, 2, 2};
  const std::vector<int64_t> y_pred = {0, 1, 2, 3};
  const ClassReport r = classification_report(y_true, y_pred, {"a", "b", "c", "other"});
  EXPECT_EQ(r.support, (std::vector<int64_t>{1, 1, 2, 0}));
  EXPECT_EQ(r.precision, (std::vector<double>{1, 1, 1, 0}));
  EXPECT_EQ(r.recall, (std::vector<double>{1, 1, 0.5, 0}));
  EXPECT_NEAR(r.f1[2], 2.0 / 3, 1e-15);
  EXPECT_NEAR(r.macro_f1, (1 + 1 + 2.0 / 3 + 0) / 4, 1e-15);
  EXPECT_NEAR(r.weighted_f1, (1 + 1 + 2 * 2.0 / 3) / 4, 1e-15);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.75);
}

TEST(ClassificationReport, MatchesABruteForceCount) {
  std::mt19937 rng(3);
  const int64_t k = 6, n = 500;
  std::vector<int64_t> y_true(n), y_pred(n);
  for (int64_t i = 0; i < n; ++i) {
    y_true[i] = static_cast<int64_t>(rng() % k);
    y_pred[i] = rng() % 3 == 0 ? static_cast<int64_t>(rng() % (k - 1)) : y_true[i];  // class 5 rarely predicted
  }
  std::vector<std::string> names;
  for (int64_t c = 0; c < k; ++c) names.push_back("c" + std::to_string(c));
  const ClassReport r = classification_report(y_true, y_pred, names);
  double correct = 0;
  for (int64_t i = 0; i < n; ++i) correct += y_true[i] == y_pred[i];
  EXPECT_DOUBLE_EQ(r.accuracy, correct / n);
  for (int64_t c = 0; c < k; ++c) {
    double tp = 0, fp = 0, fn = 0;
    for (int64_t i = 0; i < n; ++i) {
      tp += y_true[i] == c && y_pred[i] == c;
      fp += y_true[i] != c && y_pred[i] == c;
      fn += y_true[i] == c && y_pred[i] != c;
    }
    const double precision = tp + fp > 0 ? tp / (tp + fp) : 0, recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    EXPECT_NEAR(r.precision[c], precision, 1e-12) << c;
    EXPECT_NEAR(r.recall[c], recall, 1e-12) << c;
    EXPECT_NEAR(r.f1[c], precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0, 1e-12) << c;
    EXPECT_EQ(r.support[c], static_cast<int64_t>(tp + fn)) << c;
    for (int64_t p = 0; p < k; ++p) {
      int64_t count = 0;
      for (int64_t i = 0; i < n; ++i) count += y_true[i] == c && y_pred[i] == p;
      EXPECT_EQ(r.confusion[c][p], count) << c << "," << p;
    }
  }
}

TEST(ClassificationReport, TextTableLikeScikitLearn) {
  const std::string table = format_report(classification_report(kTrue, kPred, kNames));
  EXPECT_NE(table.find("precision    recall  f1-score   support"), std::string::npos) << table;
  EXPECT_NE(table.find("    negative    0.5000    0.6667    0.5714         3\n"), std::string::npos) << table;
  EXPECT_NE(table.find("    positive    0.0000    0.0000    0.0000         3\n"), std::string::npos) << table;
  EXPECT_NE(table.find("    accuracy                        0.5000        10\n"), std::string::npos) << table;
  // macro precision (0.5 + 0.5 + 0) / 3, macro recall (2/3 + 3/4 + 0) / 3 = 0.4722
  EXPECT_NE(table.find("   macro avg    0.3333    0.4722    0.3905        10\n"), std::string::npos) << table;
  // weighted precision (3 * 0.5 + 4 * 0.5) / 10 = 0.35, weighted recall = accuracy 0.5
  EXPECT_NE(table.find("weighted avg    0.3500    0.5000    0.4114        10\n"), std::string::npos) << table;
}

TEST(ClassificationReport, Errors) {
  try {
    classification_report(kTrue, std::vector<int64_t>{0, 1}, kNames);
    ADD_FAILURE();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("y_true has 10 labels but y_pred has 2"), std::string::npos) << e.what();
  }
  try {
    classification_report(std::vector<int64_t>{0, 1}, std::vector<int64_t>{0, 3}, kNames);
    ADD_FAILURE();
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("y_pred[1] = 3 is outside the class ids [0, 3)"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(classification_report(std::vector<int64_t>{}, std::vector<int64_t>{}, kNames), ValueError);
  EXPECT_THROW(classification_report(kTrue, kPred, {}), ValueError);
}

}  // namespace
}  // namespace deepfin::metrics
