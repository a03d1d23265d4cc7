#pragma once
// Ranking quality of a score for a binary outcome: ROC curve and AUC, Gini, the
// Kolmogorov-Smirnov statistic, and the precision-recall curve with average precision.
// Labels: 1 = positive (bad / default), 0 = negative (good). A higher score means "more
// likely positive". Tied scores form one step of every curve, so results never depend on
// the input order. All functions throw ValueError (naming the function) for a size
// mismatch, empty input, a label other than 0/1, a NaN score, or a single class.
#include <span>
#include <vector>

namespace deepfin::metrics {

// One point per distinct score, thresholds descending; point k counts "score >= thresholds[k]"
// as predicted positive. The first point is (fpr 0, tpr 0) at threshold +inf; the last is (1, 1).
struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};
RocCurve roc_curve(std::span<const double> scores, std::span<const int> labels);

// Exact, tie-aware area under the ROC curve in O(n log n): the Mann-Whitney statistic
//   AUC = sum_{pos i, neg j} ([s_i > s_j] + 0.5 [s_i == s_j]) / (P N).
double roc_auc(std::span<const double> scores, std::span<const int> labels);

// Gini coefficient (accuracy ratio) = 2 AUC - 1, in [-1, 1].
double gini(std::span<const double> scores, std::span<const int> labels);

// KS = max_t |F_pos(t) - F_neg(t)| where F_c(t) = share of class c with score <= t, over the
// distinct scores t (ascending in `thresholds`, with both empirical CDFs for plotting).
// `threshold` is the smallest distinct score where the maximum is reached.
struct KsResult {
  double statistic = 0;
  double threshold = 0;
  std::vector<double> thresholds, cdf_positive, cdf_negative;
};
KsResult ks_statistic(std::span<const double> scores, std::span<const int> labels);

// Thresholds descending like RocCurve; point k: recall = TP/P, precision = TP/(TP+FP) for
// "score >= thresholds[k]". The first point is (recall 0, precision 1) at threshold +inf.
struct PrCurve {
  std::vector<double> precision, recall, thresholds;
};
PrCurve pr_curve(std::span<const double> scores, std::span<const int> labels);

// Average precision, scikit-learn's step definition (no interpolation):
//   AP = sum_k (R_k - R_{k-1}) P_k  over the points of pr_curve, R_0 = 0.
double pr_auc(std::span<const double> scores, std::span<const int> labels);

}  // namespace deepfin::metrics
