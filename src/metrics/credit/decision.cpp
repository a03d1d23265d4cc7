#include "deepfin/metrics/credit/decision.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "checks.h"
#include "deepfin/base/error.h"
#include "metrics/safe_ratio.h"

namespace deepfin::metrics {

using namespace credit_detail;

namespace {

void check_costs(std::string_view function, CostMatrix costs) {
  for (double cost : {costs.false_negative, costs.false_positive})
    if (!std::isfinite(cost) || cost < 0)
      throw ValueError(fmt::format("{}: costs must be finite and >= 0; got false_negative {}, false_positive {}",
                                   function, costs.false_negative, costs.false_positive));
  if (costs.false_negative + costs.false_positive == 0)
    throw ValueError(fmt::format("{}: false_negative and false_positive costs are both 0", function));
}

}  // namespace

double ConfusionAt::accuracy() const {
  return detail::safe_ratio(tp + tn, tp + tn + fp + fn);
}
double ConfusionAt::precision() const {
  return detail::safe_ratio(tp, tp + fp);
}
double ConfusionAt::recall() const {
  return detail::safe_ratio(tp, tp + fn);
}
double ConfusionAt::specificity() const {
  return detail::safe_ratio(tn, tn + fp);
}
double ConfusionAt::f1() const {
  const double p = precision(), r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

ConfusionAt confusion_at(std::span<const double> probabilities, std::span<const int> labels, double threshold) {
  check_scored_labels("confusion_at", probabilities, labels);
  if (std::isnan(threshold)) throw ValueError("confusion_at: threshold is NaN");
  ConfusionAt c{.threshold = threshold};
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const bool predicted = probabilities[i] >= threshold;
    if (labels[i] == 1)
      (predicted ? c.tp : c.fn) += 1;
    else
      (predicted ? c.fp : c.tn) += 1;
  }
  return c;
}

double bayes_threshold(CostMatrix costs) {
  check_costs("bayes_threshold", costs);
  return costs.false_positive / (costs.false_positive + costs.false_negative);
}

CostThreshold min_cost_threshold(std::span<const double> probabilities, std::span<const int> labels, CostMatrix costs) {
  check_scored_labels("min_cost_threshold", probabilities, labels);
  check_costs("min_cost_threshold", costs);
  const ClassCounts counts = count_classes(labels);
  const auto groups = group_scores_descending(probabilities, labels);

  // Start above the largest probability (everyone predicted negative), then lower the
  // threshold one distinct value at a time; strict improvement keeps the largest on ties.
  ConfusionAt c{.threshold = std::nextafter(groups.front().score, std::numeric_limits<double>::infinity()),
                .tn = counts.negatives,
                .fn = counts.positives};
  auto cost_of = [&](const ConfusionAt& x) {
    return costs.false_negative * static_cast<double>(x.fn) + costs.false_positive * static_cast<double>(x.fp);
  };
  ConfusionAt best = c;
  double best_cost = cost_of(c);
  for (const ScoreGroup& g : groups) {
    c.threshold = g.score;
    c.tp += g.positives;
    c.fn -= g.positives;
    c.fp += g.negatives;
    c.tn -= g.negatives;
    if (const double cost = cost_of(c); cost < best_cost) {
      best = c;
      best_cost = cost;
    }
  }
  return {.threshold = best.threshold,
          .total_cost = best_cost,
          .mean_cost = best_cost / static_cast<double>(probabilities.size()),
          .confusion = best};
}

}  // namespace deepfin::metrics
