// The Diebold–Mariano test with the Harvey–Leybourne–Newbold correction.
#include <fmt/format.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <vector>

#include "backtest/checks.h"
#include "deepfin/backtest/significance.h"

namespace deepfin::backtest {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::beats:
      return "beats";
    case Verdict::ties:
      return "ties";
    case Verdict::loses:
      return "loses";
  }
  return "ties";
}

std::string verdict_phrase(Verdict v, const std::string& baseline) {
  switch (v) {
    case Verdict::beats:
      return "beats " + baseline;
    case Verdict::loses:
      return "loses to " + baseline;
    case Verdict::ties:
      break;
  }
  return "ties with " + baseline;
}

DieboldMariano diebold_mariano(std::span<const double> loss_model, std::span<const double> loss_baseline, int horizon) {
  constexpr const char* where = "diebold_mariano";
  detail::check_same_size(where, "loss_model", loss_model, "loss_baseline", loss_baseline);
  detail::check_finite(where, "loss_model", loss_model);
  detail::check_finite(where, "loss_baseline", loss_baseline);
  const auto n = static_cast<int64_t>(loss_model.size());
  if (n < 3) throw ValueError(fmt::format("{}: needs at least 3 losses, got {}", where, n));
  if (horizon < 1 || horizon >= n)
    throw ValueError(fmt::format("{}: horizon must lie in [1, {}) for {} losses, got {}", where, n, n, horizon));

  std::vector<double> d(static_cast<size_t>(n));
  double mean = 0;
  for (int64_t t = 0; t < n; ++t) mean += d[t] = loss_model[t] - loss_baseline[t];
  mean /= static_cast<double>(n);
  // Autocovariances divided by n, as in the original paper.
  auto autocovariance = [&](int64_t k) {
    double s = 0;
    for (int64_t t = k; t < n; ++t) s += (d[t] - mean) * (d[t - k] - mean);
    return s / static_cast<double>(n);
  };
  std::vector<double> gamma(static_cast<size_t>(horizon));
  for (int k = 0; k < horizon; ++k) gamma[k] = autocovariance(k);
  double variance = gamma[0];
  for (int k = 1; k < horizon; ++k) variance += 2 * gamma[k];
  if (!(variance > 0)) {  // the truncated sum can be negative for h > 1: Newey–West weights keep it positive
    variance = gamma[0];
    for (int k = 1; k < horizon; ++k) variance += 2 * (1.0 - k / static_cast<double>(horizon)) * gamma[k];
  }

  DieboldMariano r;
  r.n = n;
  r.horizon = horizon;
  r.mean_difference = mean;
  if (!(variance > 0)) return r;  // identical losses: nothing to test
  const double nd = static_cast<double>(n), h = horizon;
  const double correction = std::sqrt((nd + 1 - 2 * h + h * (h - 1) / nd) / nd);
  r.statistic = mean / std::sqrt(variance / nd) * correction;
  const boost::math::students_t t_dist(nd - 1);
  r.p_value = 2 * boost::math::cdf(boost::math::complement(t_dist, std::abs(r.statistic)));
  return r;
}

Verdict verdict(const DieboldMariano& test, double alpha) {
  if (!(alpha > 0 && alpha < 1)) throw ValueError(fmt::format("verdict: alpha must lie in (0, 1), got {}", alpha));
  if (test.p_value >= alpha) return Verdict::ties;
  return test.mean_difference < 0 ? Verdict::beats : Verdict::loses;
}

}  // namespace deepfin::backtest
