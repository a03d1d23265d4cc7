#pragma once
// Reason codes: from per-feature attributions (e.g. integrated gradients of a
// credit model's log-odds) to per-column attributions and to the adverse-action
// reasons a lender states when it declines an application.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace deepfin::explain {

// Sums feature attributions into their source columns: feature_source[j] is the
// column of feature j (e.g. every one-hot level of a categorical column points at
// that column), or -1 to ignore the feature. ShapeError if the spans differ in
// length, IndexError for a source outside [-1, num_columns), ValueError for
// num_columns < 0.
std::vector<double> roll_up(std::span<const double> feature_attributions, std::span<const int64_t> feature_source,
                            int64_t num_columns);

struct Reason {
  int64_t column = -1;
  std::string text;
  double attribution = 0;
};

// Adverse-action reasons: the columns whose attribution is positive (pushes the
// score toward the adverse class, e.g. default) and strictly above
// min_attribution, largest first (ties: lower column first), at most max_reasons
// (US Regulation B practice: up to 4). describe(column) gives the text, e.g.
// "checking_status = '<0'"; it is called only for the chosen columns.
// ValueError for max_reasons < 0, a non-finite attribution, or an empty describe.
std::vector<Reason> adverse_reasons(std::span<const double> column_attributions,
                                    const std::function<std::string(int64_t)>& describe, int max_reasons = 4,
                                    double min_attribution = 0.0);

// Mean |attribution| per column over rows: the global importance a report shows.
// Every row must have the same length (ShapeError naming the row otherwise);
// no rows gives an empty vector.
std::vector<double> mean_abs_attribution(const std::vector<std::vector<double>>& column_attributions_per_row);

}  // namespace deepfin::explain
