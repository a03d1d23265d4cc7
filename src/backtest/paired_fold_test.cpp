// The corrected resampled t-test (Nadeau & Bengio 2003) for two models on the same folds.
#include <fmt/format.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

#include "backtest/checks.h"
#include "deepfin/backtest/significance.h"

namespace deepfin::backtest {

PairedFoldTest corrected_paired_t_test(std::span<const double> a, std::span<const double> b, double test_over_train) {
  constexpr const char* where = "corrected_paired_t_test";
  detail::check_same_size(where, "a", a, "b", b);
  detail::check_finite(where, "a", a);
  detail::check_finite(where, "b", b);
  if (a.size() < 2) throw ValueError(fmt::format("{}: needs at least 2 folds, got {}", where, a.size()));
  if (!(test_over_train > 0 && std::isfinite(test_over_train)))
    throw ValueError(fmt::format("{}: test_over_train must be positive, got {}", where, test_over_train));
  PairedFoldTest r;
  r.folds = static_cast<int64_t>(a.size());
  const double k = static_cast<double>(a.size());
  for (size_t i = 0; i < a.size(); ++i) r.mean_difference += (a[i] - b[i]) / k;
  double ss = 0;
  for (size_t i = 0; i < a.size(); ++i) ss += std::pow(a[i] - b[i] - r.mean_difference, 2);
  const double variance = ss / (k - 1);
  if (!(variance > 0)) return r;  // identical differences: nothing to test
  r.statistic = r.mean_difference / std::sqrt((1 / k + test_over_train) * variance);
  r.p_value = 2 * boost::math::cdf(boost::math::complement(boost::math::students_t(k - 1), std::abs(r.statistic)));
  return r;
}

Verdict verdict(const PairedFoldTest& test, double alpha) {
  if (!(alpha > 0 && alpha < 1)) throw ValueError(fmt::format("verdict: alpha must lie in (0, 1), got {}", alpha));
  if (test.p_value >= alpha) return Verdict::ties;
  return test.mean_difference > 0 ? Verdict::beats : Verdict::loses;
}

}  // namespace deepfin::backtest
