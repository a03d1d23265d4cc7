#include "checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "deepfin/base/error.h"

namespace deepfin::metrics::credit_detail {

void check_scored_labels(std::string_view function, std::span<const double> scores, std::span<const int> labels) {
  if (scores.size() != labels.size())
    throw ValueError(fmt::format("{}: size mismatch: {} scores but {} labels", function, scores.size(), labels.size()));
  if (scores.empty()) throw ValueError(fmt::format("{}: empty input (no scores and no labels)", function));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1)
      throw ValueError(fmt::format("{}: label at index {} is {}; labels must be 0 or 1", function, i, labels[i]));
    if (std::isnan(scores[i])) throw ValueError(fmt::format("{}: score at index {} is NaN", function, i));
  }
}

void check_probabilities(std::string_view function, std::span<const double> probabilities) {
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double p = probabilities[i];
    if (std::isnan(p)) throw ValueError(fmt::format("{}: probability at index {} is NaN", function, i));
    if (p < 0.0 || p > 1.0)
      throw ValueError(
          fmt::format("{}: probability at index {} is {}; probabilities must lie in [0, 1]", function, i, p));
  }
}

void check_sample(std::string_view function, std::string_view name, std::span<const double> values) {
  if (values.empty()) throw ValueError(fmt::format("{}: the {} sample is empty", function, name));
  for (size_t i = 0; i < values.size(); ++i)
    if (std::isnan(values[i]))
      throw ValueError(fmt::format("{}: the {} sample has NaN at index {}", function, name, i));
}

ClassCounts count_classes(std::span<const int> labels) {
  ClassCounts counts;
  for (int label : labels) (label == 1 ? counts.positives : counts.negatives) += 1;
  return counts;
}

ClassCounts require_both_classes(std::string_view function, std::span<const int> labels) {
  const ClassCounts counts = count_classes(labels);
  if (counts.positives == 0 || counts.negatives == 0)
    throw ValueError(fmt::format("{} needs both classes; got only label {}", function, counts.positives == 0 ? 0 : 1));
  return counts;
}

std::vector<ScoreGroup> group_scores_descending(std::span<const double> scores, std::span<const int> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<ScoreGroup> groups;
  for (size_t i : order) {
    if (groups.empty() || groups.back().score != scores[i]) groups.push_back({.score = scores[i]});
    (labels[i] == 1 ? groups.back().positives : groups.back().negatives) += 1;
  }
  return groups;
}

double linear_quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  if (below + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

}  // namespace deepfin::metrics::credit_detail
