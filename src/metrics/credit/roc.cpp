#include "deepfin/metrics/credit/roc.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "checks.h"

namespace deepfin::metrics {

using namespace credit_detail;

namespace {

// The checked, grouped input every curve starts from.
struct Ranked {
  ClassCounts counts;
  std::vector<ScoreGroup> groups;  // distinct scores, descending
};

Ranked rank(std::string_view function, std::span<const double> scores, std::span<const int> labels) {
  check_scored_labels(function, scores, labels);
  const ClassCounts counts = require_both_classes(function, labels);
  return {.counts = counts, .groups = group_scores_descending(scores, labels)};
}

double area_under_roc(std::string_view function, std::span<const double> scores, std::span<const int> labels) {
  const Ranked r = rank(function, scores, labels);
  // Each negative beats none of the positives above it, ties with the positives of its own
  // group (1/2 each): sum over groups of negatives * (positives above + positives tied / 2).
  double pairs = 0.0;
  int64_t positives_above = 0;
  for (const ScoreGroup& g : r.groups) {
    pairs += static_cast<double>(g.negatives) * (static_cast<double>(positives_above) + 0.5 * g.positives);
    positives_above += g.positives;
  }
  return pairs / (static_cast<double>(r.counts.positives) * static_cast<double>(r.counts.negatives));
}

PrCurve precision_recall(std::string_view function, std::span<const double> scores, std::span<const int> labels) {
  const Ranked r = rank(function, scores, labels);
  PrCurve curve;
  curve.precision.push_back(1.0);
  curve.recall.push_back(0.0);
  curve.thresholds.push_back(std::numeric_limits<double>::infinity());
  int64_t tp = 0, predicted = 0;
  for (const ScoreGroup& g : r.groups) {
    tp += g.positives;
    predicted += g.positives + g.negatives;
    curve.precision.push_back(static_cast<double>(tp) / static_cast<double>(predicted));
    curve.recall.push_back(static_cast<double>(tp) / static_cast<double>(r.counts.positives));
    curve.thresholds.push_back(g.score);
  }
  return curve;
}

}  // namespace

RocCurve roc_curve(std::span<const double> scores, std::span<const int> labels) {
  const Ranked r = rank("roc_curve", scores, labels);
  RocCurve curve;
  curve.fpr.push_back(0.0);
  curve.tpr.push_back(0.0);
  curve.thresholds.push_back(std::numeric_limits<double>::infinity());
  int64_t tp = 0, fp = 0;
  for (const ScoreGroup& g : r.groups) {
    tp += g.positives;
    fp += g.negatives;
    curve.fpr.push_back(static_cast<double>(fp) / static_cast<double>(r.counts.negatives));
    curve.tpr.push_back(static_cast<double>(tp) / static_cast<double>(r.counts.positives));
    curve.thresholds.push_back(g.score);
  }
  return curve;
}

double roc_auc(std::span<const double> scores, std::span<const int> labels) {
  return area_under_roc("roc_auc", scores, labels);
}

double gini(std::span<const double> scores, std::span<const int> labels) {
  return 2.0 * area_under_roc("gini", scores, labels) - 1.0;
}

KsResult ks_statistic(std::span<const double> scores, std::span<const int> labels) {
  const Ranked r = rank("ks_statistic", scores, labels);
  KsResult ks;
  int64_t positives_at_or_below = 0, negatives_at_or_below = 0, best_scaled_gap = -1;
  for (auto g = r.groups.rbegin(); g != r.groups.rend(); ++g) {  // ascending scores
    positives_at_or_below += g->positives;
    negatives_at_or_below += g->negatives;
    const double f_pos = static_cast<double>(positives_at_or_below) / static_cast<double>(r.counts.positives);
    const double f_neg = static_cast<double>(negatives_at_or_below) / static_cast<double>(r.counts.negatives);
    ks.thresholds.push_back(g->score);
    ks.cdf_positive.push_back(f_pos);
    ks.cdf_negative.push_back(f_neg);
    // Compare gaps exactly as integers |pos P_neg - neg P_pos| (the same gap scaled by P N), so
    // equal gaps are ties and the smallest threshold reaching the maximum wins.
    const int64_t scaled_gap =
        std::abs(positives_at_or_below * r.counts.negatives - negatives_at_or_below * r.counts.positives);
    if (scaled_gap > best_scaled_gap) {
      best_scaled_gap = scaled_gap;
      ks.statistic = std::abs(f_pos - f_neg);
      ks.threshold = g->score;
    }
  }
  return ks;
}

PrCurve pr_curve(std::span<const double> scores, std::span<const int> labels) {
  return precision_recall("pr_curve", scores, labels);
}

double pr_auc(std::span<const double> scores, std::span<const int> labels) {
  const PrCurve curve = precision_recall("pr_auc", scores, labels);
  double area = 0.0;
  for (size_t k = 1; k < curve.recall.size(); ++k) area += (curve.recall[k] - curve.recall[k - 1]) * curve.precision[k];
  return area;
}

}  // namespace deepfin::metrics
