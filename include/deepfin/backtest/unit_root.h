#pragma once
// The augmented Dickey–Fuller test with a constant: does a series wander like a
// traded price (a unit root) or pull back to a level, as a volatility index or an
// interest rate does? A strategy backtested on a mean-reverting level earns
// returns nobody could have had.
#include <cstdint>
#include <span>

namespace deepfin::backtest {

struct AdfTest {
  int64_t observations = 0;  // rows of the regression: n - lags - 1
  int lags = 0;
  double statistic = 0;         // the t-ratio of y[t-1]
  double critical_5 = 0;        // MacKinnon (2010) response surface, constant, one variable
  bool mean_reverting = false;  // statistic < critical_5: the unit root is rejected at 5 %
};

// dy[t] = c + g y[t-1] + sum_{i=1..lags} b_i dy[t-i] + e[t], by least squares. lags < 0 picks
// Schwert's floor(12 (n / 100)^(1/4)). ValueError when a value is not finite, the
// series is too short for the lags (fewer than 2 lags + 13 rows, leaving 10 residual
// degrees of freedom) or it is constant.
AdfTest adf_test(std::span<const double> series, int lags = -1);

}  // namespace deepfin::backtest
