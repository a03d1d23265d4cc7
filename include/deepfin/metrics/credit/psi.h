#pragma once
// Population stability index: how far the distribution of a score (or a feature) in a new
// sample ("actual") has drifted from a reference sample ("expected", e.g. the training data).
//   PSI = sum_bins (actual_share - expected_share) * ln(actual_share / expected_share)
#include <span>
#include <string>
#include <vector>

namespace deepfin::metrics {

// Bin [lower, upper); the first bin has lower = -inf and the last upper = +inf. The shares are
// the raw shares (possibly 0); `contribution` is the bin's term of the sum after the epsilon rule.
struct PsiBin {
  double lower = 0, upper = 0;
  double expected_share = 0, actual_share = 0, contribution = 0;
};

// band: "stable" (psi < 0.1), "moderate shift" (0.1 <= psi < 0.25), "significant shift" (>= 0.25).
struct PsiResult {
  double psi = 0;
  std::vector<PsiBin> bins;
  std::string band;
};

// Bins: the edges are the k / bins quantiles (k = 1 .. bins - 1, linear interpolation) of the
// EXPECTED sample, deciles by default; duplicate edges are merged (so there may be fewer bins),
// and the outer bins are open-ended, so every actual value falls in some bin.
// Empty-bin rule: a share of 0 (expected or actual) is replaced by `epsilon` before the term
// is computed, which keeps the log finite; such a bin contributes about share * ln(share / eps).
// Throws ValueError for an empty sample, a NaN value, bins < 1 or epsilon outside (0, 1).
PsiResult population_stability_index(std::span<const double> expected, std::span<const double> actual, int bins = 10,
                                     double epsilon = 1e-4);

// The band name for a PSI value (see PsiResult).
std::string psi_band(double psi);

}  // namespace deepfin::metrics
