#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "checks.h"
#include "deepfin/base/error.h"
#include "deepfin/metrics/credit/calibration.h"

namespace deepfin::metrics {

using namespace credit_detail;

std::vector<ReliabilityBin> reliability_table(std::span<const double> probabilities, std::span<const int> labels,
                                              int bins, BinStrategy strategy) {
  check_scored_labels("reliability_table", probabilities, labels);
  check_probabilities("reliability_table", probabilities);
  if (bins < 1) throw ValueError(fmt::format("reliability_table: bins must be at least 1; got {}", bins));

  std::vector<double> edges(static_cast<size_t>(bins) + 1);
  if (strategy == BinStrategy::uniform) {
    for (int i = 0; i <= bins; ++i) edges[i] = static_cast<double>(i) / bins;
  } else {
    std::vector<double> sorted(probabilities.begin(), probabilities.end());
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i <= bins; ++i) edges[i] = linear_quantile(sorted, static_cast<double>(i) / bins);
  }

  std::vector<ReliabilityBin> table(static_cast<size_t>(bins));
  for (int i = 0; i < bins; ++i) {
    table[i].lower = edges[i];
    table[i].upper = edges[i + 1];
  }
  // Bin = number of interior edges <= p: [e_i, e_{i+1}), the outer bins take everything beyond.
  const auto interior_begin = edges.begin() + 1, interior_end = edges.end() - 1;
  std::vector<double> positives(table.size(), 0.0);
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const auto bin =
        static_cast<size_t>(std::upper_bound(interior_begin, interior_end, probabilities[i]) - interior_begin);
    table[bin].count += 1;
    table[bin].mean_predicted += probabilities[i];
    positives[bin] += labels[i];
  }
  for (size_t b = 0; b < table.size(); ++b) {
    if (table[b].count == 0) continue;
    table[b].mean_predicted /= static_cast<double>(table[b].count);
    table[b].observed_rate = positives[b] / static_cast<double>(table[b].count);
  }
  return table;
}

double expected_calibration_error(const std::vector<ReliabilityBin>& table) {
  int64_t total = 0;
  double weighted_gap = 0.0;
  for (const ReliabilityBin& bin : table) {
    total += bin.count;
    weighted_gap += static_cast<double>(bin.count) * std::abs(bin.observed_rate - bin.mean_predicted);
  }
  return total == 0 ? 0.0 : weighted_gap / static_cast<double>(total);
}

}  // namespace deepfin::metrics
