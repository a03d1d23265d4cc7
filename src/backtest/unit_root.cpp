// The augmented Dickey–Fuller regression, solved by Cholesky on the normal
// equations (at most 2 + lags columns, all of moderate scale).
#include "deepfin/backtest/unit_root.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "backtest/checks.h"

namespace deepfin::backtest {
namespace {

// Solves A x = b for symmetric positive definite A (k x k, row-major) in place; returns
// the inverse's diagonal entry `want` too. False when A is not positive definite.
bool cholesky_solve(std::vector<double> a, int k, std::vector<double>& b, int want, double* inverse_diag) {
  for (int j = 0; j < k; ++j) {
    const double diagonal = a[j * k + j];
    double d = diagonal;
    for (int p = 0; p < j; ++p) d -= a[j * k + p] * a[j * k + p];
    if (!(d > 1e-12 * diagonal)) return false;  // a column (nearly) spanned by the others
    a[j * k + j] = std::sqrt(d);
    for (int i = j + 1; i < k; ++i) {
      double s = a[i * k + j];
      for (int p = 0; p < j; ++p) s -= a[i * k + p] * a[j * k + p];
      a[i * k + j] = s / a[j * k + j];
    }
  }
  auto solve = [&](std::vector<double>& v) {
    for (int i = 0; i < k; ++i) {  // L y = v
      for (int p = 0; p < i; ++p) v[i] -= a[i * k + p] * v[p];
      v[i] /= a[i * k + i];
    }
    for (int i = k - 1; i >= 0; --i) {  // L^T x = y
      for (int p = i + 1; p < k; ++p) v[i] -= a[p * k + i] * v[p];
      v[i] /= a[i * k + i];
    }
  };
  solve(b);
  std::vector<double> e(k, 0.0);
  e[want] = 1;
  solve(e);
  *inverse_diag = e[want];
  return true;
}

}  // namespace

AdfTest adf_test(std::span<const double> y, int lags) {
  constexpr const char* where = "adf_test";
  detail::check_finite(where, "series", y);
  const auto n = static_cast<int64_t>(y.size());
  if (lags < 0) lags = static_cast<int>(std::floor(12 * std::pow(static_cast<double>(n) / 100, 0.25)));
  // Rows n - lags - 1, columns lags + 2: keep at least 10 residual degrees of freedom.
  if (n < 2 * lags + 13)
    throw ValueError(
        fmt::format("{}: {} values are too few for {} lags (need at least {})", where, n, lags, 2 * lags + 13));

  // Columns: y[t-1], constant, dy[t-1..t-lags]; rows t = lags + 1 .. n - 1.
  const int k = 2 + lags;
  std::vector<double> xtx(static_cast<size_t>(k * k), 0.0), xty(k, 0.0), row(k);
  const int64_t first = lags + 1;
  auto fill = [&](int64_t t) {
    row[0] = y[t - 1];
    row[1] = 1;
    for (int i = 1; i <= lags; ++i) row[1 + i] = y[t - i] - y[t - i - 1];
  };
  for (int64_t t = first; t < n; ++t) {
    fill(t);
    const double dy = y[t] - y[t - 1];
    for (int i = 0; i < k; ++i) {
      xty[i] += row[i] * dy;
      for (int j = 0; j < k; ++j) xtx[i * k + j] += row[i] * row[j];
    }
  }
  std::vector<double> beta = xty;
  double inverse_00 = 0;
  if (!cholesky_solve(xtx, k, beta, 0, &inverse_00))
    throw ValueError(fmt::format("{}: the regression is singular (is the series constant?)", where));
  double rss = 0;
  for (int64_t t = first; t < n; ++t) {
    fill(t);
    double fit = 0;
    for (int i = 0; i < k; ++i) fit += row[i] * beta[i];
    const double e = y[t] - y[t - 1] - fit;
    rss += e * e;
  }
  AdfTest r;
  r.observations = n - first;
  r.lags = lags;
  const double sigma2 = rss / static_cast<double>(r.observations - k);
  r.statistic = beta[0] / std::sqrt(sigma2 * inverse_00);
  // MacKinnon (2010), Table 2, constant, N = 1, 5 %: b0 + b1 / T + b2 / T^2 + b3 / T^3.
  const double t = static_cast<double>(r.observations);
  r.critical_5 = -2.86154 - 2.8903 / t - 4.234 / (t * t) - 40.040 / (t * t * t);
  r.mean_reverting = r.statistic < r.critical_5;
  return r;
}

}  // namespace deepfin::backtest
