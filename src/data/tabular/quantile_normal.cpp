#include "quantile_normal.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

namespace deepfin::data::detail {

namespace {
constexpr size_t kMaxKnots = 1000;  // scikit-learn's QuantileTransformer default
}

std::vector<double> quantile_knots(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const size_t knots = std::max<size_t>(2, std::min(kMaxKnots, values.size()));
  const auto last = static_cast<double>(values.size() - 1);
  std::vector<double> out(knots);
  for (size_t k = 0; k < knots; ++k) {
    const double position = last * static_cast<double>(k) / static_cast<double>(knots - 1);
    const auto below = static_cast<size_t>(std::floor(position));
    const size_t above = std::min(below + 1, values.size() - 1);
    const double fraction = position - static_cast<double>(below);
    const double lo = values[below], hi = values[above];
    // numpy's form: exact when lo == hi (a run of repeated values keeps its value on every knot),
    // and interpolating from the nearer end so that it stays within [lo, hi]
    out[k] = fraction < 0.5 ? lo + (hi - lo) * fraction : hi - (hi - lo) * (1 - fraction);
    if (k > 0) out[k] = std::max(out[k], out[k - 1]);
  }
  return out;
}

double quantile_normal_score(const std::vector<double>& knots, double x) {
  const auto count = static_cast<double>(knots.size());
  double u = x < knots.front() ? 0.0 : 1.0;
  if (x >= knots.front() && x <= knots.back()) {
    const auto first_not_below = std::lower_bound(knots.begin(), knots.end(), x);
    const auto first_above = std::upper_bound(first_not_below, knots.end(), x);
    const auto lo = static_cast<double>(first_not_below - knots.begin());
    const auto hi = static_cast<double>(first_above - knots.begin());
    if (first_above != first_not_below) {  // x equals knots lo .. hi - 1: the middle of their span
      u = (lo + hi - 1) / 2 / (count - 1);
    } else {  // knots[lo - 1] < x < knots[lo]
      const double left = *(first_not_below - 1), right = *first_not_below;
      u = (lo - 1 + (x - left) / (right - left)) / (count - 1);
    }
  }
  const double shrink = 1 / (2 * count);
  return boost::math::quantile(boost::math::normal(), shrink + (1 - 2 * shrink) * u);
}

}  // namespace deepfin::data::detail
