#pragma once
// Group fairness of credit decisions (1 = adverse label, e.g. default; a row is
// declined when its probability is at least the threshold). Per group:
//   approval_rate                 share of the group approved
//   adverse_impact_ratio          approval_rate / the most-favoured group's (the four-fifths rule: < 0.8)
//   tpr                           approved among those who repaid (label 0): equal opportunity
//   equal_opportunity_difference  tpr - the most-favoured group's tpr
//   fpr                           approved among those who defaulted (label 1)
//   auc                           ROC AUC of the probabilities within the group (NaN with one class)
//   observed_default_rate         mean label;  predicted_default_rate: mean probability
// The most-favoured group is the one with the highest approval rate. Fairlearn's
// selection rate, demographic-parity ratio and equal-opportunity difference are these
// with approval as the selected outcome. Confidence intervals come from a bootstrap
// that resamples rows within each group (every group keeps its size), with the ratios
// always taken against the point estimate's most-favoured group (so that group's own
// ratio is exactly 1); an interval is NaN when over 5 % of resamples leave it undefined.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace deepfin::metrics {

inline const std::vector<std::string>& fairness_metric_names() {
  static const std::vector<std::string> names = {
      "approval_rate",         "adverse_impact_ratio",  "tpr", "equal_opportunity_difference", "fpr", "auc",
      "observed_default_rate", "predicted_default_rate"};
  return names;
}

struct GroupFairness {
  std::string group;
  int64_t rows = 0, adverse_labels = 0;
  std::map<std::string, double> value{}, low{}, high{};  // metric -> estimate and its 95 % interval (NaN: undefined)
};

struct FairnessTable {
  double threshold = 0.5;
  std::string reference_group{};        // the most-favoured group (highest approval rate)
  std::vector<GroupFairness> groups{};  // in group-name order
};

// The point estimates. ShapeError if the spans differ in length; ValueError for no rows, a label
// that is not 0/1 or a probability outside [0, 1].
std::vector<GroupFairness> group_rates(std::span<const double> probabilities, std::span<const int> labels,
                                       std::span<const std::string> groups, double threshold);

// The estimates with bootstrap intervals (`resamples` >= 1, generator seeded with `seed`).
FairnessTable fairness_table(std::span<const double> probabilities, std::span<const int> labels,
                             std::span<const std::string> groups, double threshold, int resamples, uint64_t seed);

}  // namespace deepfin::metrics
