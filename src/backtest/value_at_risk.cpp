// Gaussian VaR and ES, and the coverage backtests (Kupiec 1995, Christoffersen 1998, Basel 1996).
#include "deepfin/backtest/value_at_risk.h"

#include <fmt/format.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "backtest/checks.h"

namespace deepfin::backtest {
namespace {

void check_level(const char* where, double level) {
  if (!(level > 0 && level < 1)) throw ValueError(fmt::format("{}: level must lie in (0, 1), got {}", where, level));
}

// k log(p) with 0 log 0 = 0.
double xlogy(double k, double p) {
  return k > 0 ? k * std::log(p) : 0.0;
}

double chi_squared_p(double statistic, double df) {
  if (!(statistic > 0)) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), statistic));
}

}  // namespace

std::string to_string(TrafficLight light) {
  switch (light) {
    case TrafficLight::green:
      return "green";
    case TrafficLight::yellow:
      return "yellow";
    case TrafficLight::red:
      return "red";
  }
  return "green";
}

std::vector<double> gaussian_var(std::span<const double> variance, double level) {
  check_level("gaussian_var", level);
  detail::check_positive_variances("gaussian_var", variance);
  const double z = boost::math::quantile(boost::math::normal(), level);
  std::vector<double> out(variance.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = z * std::sqrt(variance[i]);
  return out;
}

std::vector<double> gaussian_expected_shortfall(std::span<const double> variance, double level) {
  check_level("gaussian_expected_shortfall", level);
  detail::check_positive_variances("gaussian_expected_shortfall", variance);
  const boost::math::normal n;
  const double factor = boost::math::pdf(n, boost::math::quantile(n, level)) / (1 - level);
  std::vector<double> out(variance.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = factor * std::sqrt(variance[i]);
  return out;
}

VarBacktest backtest_var(std::span<const double> r, std::span<const double> var, std::span<const double> es,
                         double level) {
  constexpr const char* where = "backtest_var";
  check_level(where, level);
  detail::check_same_size(where, "returns", r, "var", var);
  detail::check_same_size(where, "returns", r, "expected_shortfall", es);
  detail::check_finite(where, "returns", r);
  detail::check_finite(where, "var", var);
  detail::check_finite(where, "expected_shortfall", es);
  if (r.size() < 2) throw ValueError(fmt::format("{}: needs at least 2 points, got {}", where, r.size()));

  VarBacktest b;
  b.level = level;
  b.n = static_cast<int64_t>(r.size());
  double transitions[2][2] = {{0, 0}, {0, 0}};  // [yesterday's exception][today's]
  double loss_sum = 0, es_sum = 0;
  int previous = -1;
  for (size_t t = 0; t < r.size(); ++t) {
    const int hit = -r[t] > var[t] ? 1 : 0;
    if (hit) {
      ++b.exceptions;
      loss_sum += -r[t];
      es_sum += es[t];
    }
    if (previous >= 0) transitions[previous][hit] += 1;
    previous = hit;
  }
  const double n = static_cast<double>(b.n), x = static_cast<double>(b.exceptions), p = 1 - level;
  b.exception_rate = x / n;
  const double rate = b.exception_rate;
  b.kupiec_statistic = -2 * (xlogy(n - x, 1 - p) + xlogy(x, p) - xlogy(n - x, 1 - rate) - xlogy(x, rate));
  b.kupiec_p = chi_squared_p(b.kupiec_statistic, 1);

  const double n00 = transitions[0][0], n01 = transitions[0][1], n10 = transitions[1][0], n11 = transitions[1][1];
  const double pi0 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0, pi1 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const double pi = (n01 + n11) / (n00 + n01 + n10 + n11);
  b.independence_statistic = -2 * (xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi) - xlogy(n00, 1 - pi0) -
                                   xlogy(n01, pi0) - xlogy(n10, 1 - pi1) - xlogy(n11, pi1));
  b.independence_p = chi_squared_p(b.independence_statistic, 1);
  b.conditional_statistic = b.kupiec_statistic + b.independence_statistic;
  b.conditional_p = chi_squared_p(b.conditional_statistic, 2);

  const double cumulative = boost::math::cdf(boost::math::binomial(n, p), x);
  b.light = cumulative < 0.95 ? TrafficLight::green : cumulative < 0.9999 ? TrafficLight::yellow : TrafficLight::red;
  b.shortfall_ratio = b.exceptions > 0 ? loss_sum / es_sum : std::nan("");
  return b;
}

}  // namespace deepfin::backtest
