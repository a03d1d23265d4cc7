// Reason codes: column roll-up, adverse-action reasons, global importance.
#include "deepfin/explain/reason_codes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::explain {

std::vector<double> roll_up(std::span<const double> feature_attributions, std::span<const int64_t> feature_source,
                            int64_t num_columns) {
  if (num_columns < 0) throw ValueError(fmt::format("roll_up: num_columns must be >= 0, got {}", num_columns));
  if (feature_attributions.size() != feature_source.size())
    throw ShapeError(fmt::format("roll_up: {} feature attributions but {} feature sources", feature_attributions.size(),
                                 feature_source.size()));
  std::vector<double> columns(static_cast<size_t>(num_columns), 0.0);
  for (size_t j = 0; j < feature_source.size(); ++j) {
    const int64_t column = feature_source[j];
    if (column == -1) continue;
    if (column < -1 || column >= num_columns)
      throw IndexError(
          fmt::format("roll_up: feature {} has source column {}, outside [-1, {})", j, column, num_columns));
    columns[static_cast<size_t>(column)] += feature_attributions[j];
  }
  return columns;
}

std::vector<Reason> adverse_reasons(std::span<const double> column_attributions,
                                    const std::function<std::string(int64_t)>& describe, int max_reasons,
                                    double min_attribution) {
  if (max_reasons < 0) throw ValueError(fmt::format("adverse_reasons: max_reasons must be >= 0, got {}", max_reasons));
  if (!describe) throw ValueError("adverse_reasons: describe is empty");
  if (std::isnan(min_attribution)) throw ValueError("adverse_reasons: min_attribution is NaN");
  std::vector<int64_t> candidates;
  for (size_t c = 0; c < column_attributions.size(); ++c) {
    const double a = column_attributions[c];
    if (!std::isfinite(a))
      throw ValueError(fmt::format("adverse_reasons: column {} has a non-finite attribution {}", c, a));
    if (a > 0 && a > min_attribution) candidates.push_back(static_cast<int64_t>(c));
  }
  // Largest first; stable so that ties keep the lower column first.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](int64_t a, int64_t b) { return column_attributions[a] > column_attributions[b]; });
  candidates.resize(std::min(candidates.size(), static_cast<size_t>(max_reasons)));
  std::vector<Reason> reasons;
  reasons.reserve(candidates.size());
  for (int64_t c : candidates)
    reasons.push_back({.column = c, .text = describe(c), .attribution = column_attributions[c]});
  return reasons;
}

std::vector<double> mean_abs_attribution(const std::vector<std::vector<double>>& column_attributions_per_row) {
  if (column_attributions_per_row.empty()) return {};
  const size_t width = column_attributions_per_row.front().size();
  std::vector<double> mean(width, 0.0);
  for (size_t i = 0; i < column_attributions_per_row.size(); ++i) {
    const auto& row = column_attributions_per_row[i];
    if (row.size() != width)
      throw ShapeError(fmt::format("mean_abs_attribution: row {} has {} columns, row 0 has {}", i, row.size(), width));
    for (size_t c = 0; c < width; ++c) mean[c] += std::abs(row[c]);
  }
  for (double& m : mean) m /= static_cast<double>(column_attributions_per_row.size());
  return mean;
}

}  // namespace deepfin::explain
