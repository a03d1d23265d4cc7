#pragma once
// Value at risk and expected shortfall from variance forecasts, and the backtests
// a regulator applies to them: Kupiec's unconditional coverage, Christoffersen's
// independence and conditional coverage, and the Basel traffic light.
//
// Losses are positive: a VaR of 0.02 at 99 % says the next period's log return
// falls below -0.02 on 1 % of days. An exception is a return below -VaR.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace deepfin::backtest {

// Gaussian, zero mean: VaR = z_level * sqrt(variance); ES = sqrt(variance) * phi(z_level) / (1 - level).
// ValueError for a level outside (0, 1) or a variance that is not positive (naming the index).
std::vector<double> gaussian_var(std::span<const double> variance, double level);
std::vector<double> gaussian_expected_shortfall(std::span<const double> variance, double level);

enum class TrafficLight { green, yellow, red };
std::string to_string(TrafficLight light);

struct VarBacktest {
  double level = 0.99;
  int64_t n = 0, exceptions = 0;
  double exception_rate = 0;
  double kupiec_statistic = 0, kupiec_p = 1;              // unconditional coverage, chi^2(1)
  double independence_statistic = 0, independence_p = 1;  // Christoffersen (1998), chi^2(1)
  double conditional_statistic = 0, conditional_p = 1;    // both, chi^2(2)
  // Basel: green while P(X <= exceptions) < 95 % for X ~ Binomial(n, 1 - level), yellow
  // below 99.99 %, red beyond (for 250 days at 99 %: 0-4, 5-9, 10+).
  TrafficLight light = TrafficLight::green;
  // Mean loss on exception days over the mean ES forecast on those days (about 1 when
  // the shortfall is right; NaN without exceptions).
  double shortfall_ratio = 0;
};

// returns[t] is the realized log return the forecasts var[t], es[t] were made for.
// ShapeError if sizes differ; ValueError if fewer than 2 points, a value is not finite,
// or a level is outside (0, 1).
VarBacktest backtest_var(std::span<const double> returns, std::span<const double> var,
                         std::span<const double> expected_shortfall, double level);

}  // namespace deepfin::backtest
