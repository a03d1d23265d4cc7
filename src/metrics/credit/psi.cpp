#include "deepfin/metrics/credit/psi.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "checks.h"
#include "deepfin/base/error.h"

namespace deepfin::metrics {

using namespace credit_detail;

namespace {

// Share of `values` in each bin, where bin = number of interior edges <= value.
std::vector<double> bin_shares(std::span<const double> values, const std::vector<double>& interior_edges) {
  std::vector<double> shares(interior_edges.size() + 1, 0.0);
  for (double v : values)
    shares[static_cast<size_t>(std::upper_bound(interior_edges.begin(), interior_edges.end(), v) -
                               interior_edges.begin())] += 1.0;
  for (double& share : shares) share /= static_cast<double>(values.size());
  return shares;
}

}  // namespace

std::string psi_band(double psi) {
  if (psi < 0.1) return "stable";
  if (psi < 0.25) return "moderate shift";
  return "significant shift";
}

PsiResult population_stability_index(std::span<const double> expected, std::span<const double> actual, int bins,
                                     double epsilon) {
  check_sample("population_stability_index", "expected", expected);
  check_sample("population_stability_index", "actual", actual);
  if (bins < 1) throw ValueError(fmt::format("population_stability_index: bins must be at least 1; got {}", bins));
  if (!(epsilon > 0 && epsilon < 1))
    throw ValueError(fmt::format("population_stability_index: epsilon must lie in (0, 1); got {}", epsilon));

  std::vector<double> sorted(expected.begin(), expected.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (int k = 1; k < bins; ++k) {
    const double edge = linear_quantile(sorted, static_cast<double>(k) / bins);
    if (edges.empty() || edge != edges.back()) edges.push_back(edge);
  }
  const std::vector<double> expected_shares = bin_shares(expected, edges), actual_shares = bin_shares(actual, edges);

  constexpr double kInf = std::numeric_limits<double>::infinity();
  PsiResult result;
  for (size_t b = 0; b < expected_shares.size(); ++b) {
    PsiBin bin{.lower = b == 0 ? -kInf : edges[b - 1],
               .upper = b == edges.size() ? kInf : edges[b],
               .expected_share = expected_shares[b],
               .actual_share = actual_shares[b]};
    const double e = bin.expected_share > 0 ? bin.expected_share : epsilon;
    const double a = bin.actual_share > 0 ? bin.actual_share : epsilon;
    bin.contribution = (a - e) * std::log(a / e);
    result.psi += bin.contribution;
    result.bins.push_back(bin);
  }
  result.band = psi_band(result.psi);
  return result;
}

}  // namespace deepfin::metrics
