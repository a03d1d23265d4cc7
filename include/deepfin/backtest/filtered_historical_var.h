#pragma once
// Value at risk and expected shortfall by filtered historical simulation (Barone-Adesi,
// Giannopoulos & Vosper 1999): the past returns, each divided by the volatility forecast
// made the day before, give the shape of the tail; tomorrow's VaR is that shape scaled by
// tomorrow's forecast. Daily returns have fatter tails than a Gaussian, so the Gaussian
// multiple (2.33 at 99 %) is too small; this one is measured, not assumed.
#include <cstdint>
#include <span>
#include <vector>

namespace deepfin::backtest {

// The lower tail of standardized returns z = r / sqrt(variance), in units of the forecast volatility.
struct StandardizedTail {
  double level = 0.99;
  int64_t n = 0;            // standardized returns measured
  double var_multiple = 0;  // minus the (1 - level) quantile of z, interpolated linearly between order statistics
  double es_multiple = 0;   // minus the mean of the z at or below that quantile
};

// The fewest standardized returns whose (1 - level) tail holds one of them: ceil(1 / (1 - level)),
// 100 at 99 %. ValueError for a level outside (0, 1).
int64_t minimum_tail_returns(double level);

// variance[t] is the forecast made for returns[t] before it was known. ShapeError if sizes
// differ; ValueError for a level outside (0, 1), a return that is not finite, a variance that
// is not positive (each naming the index), or fewer than minimum_tail_returns(level).
StandardizedTail standardized_tail(std::span<const double> returns, std::span<const double> variance, double level);

// tail.var_multiple (or es_multiple) times each forecast volatility sqrt(variance[t]).
// ValueError for a variance that is not positive.
std::vector<double> filtered_historical_var(std::span<const double> variance, const StandardizedTail& tail);
std::vector<double> filtered_historical_expected_shortfall(std::span<const double> variance,
                                                           const StandardizedTail& tail);

}  // namespace deepfin::backtest
