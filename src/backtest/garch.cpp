// GARCH(1,1) by maximum likelihood. NLopt's BOBYQA (derivative-free, bounded)
// works on a box that keeps the model stationary: (log of the unconditional
// variance relative to mean r^2, persistence alpha + beta, alpha's share of it).
#include <fmt/format.h>
#include <nlopt.h>

#include <array>
#include <cmath>
#include <numbers>

#include "backtest/checks.h"
#include "deepfin/backtest/volatility.h"

namespace deepfin::backtest {
namespace {

constexpr double kMaxPersistence = 0.9999;

struct Problem {
  std::span<const double> returns;
  double initial = 0, scale = 0;  // scale: mean r^2
};

Garch11 from_box(const double* x, double scale) {
  const double vbar = scale * std::exp(x[0]), p = x[1], share = x[2];
  return {.omega = vbar * (1 - p), .alpha = p * share, .beta = p * (1 - share)};
}

double negative_log_likelihood(unsigned, const double* x, double*, void* data) {
  const auto& pb = *static_cast<const Problem*>(data);
  const double ll = garch11_log_likelihood(from_box(x, pb.scale), pb.returns, pb.initial);
  return std::isfinite(ll) ? -ll : HUGE_VAL;
}

}  // namespace

double garch11_log_likelihood(const Garch11& m, std::span<const double> r, double initial) {
  double s = initial, ll = 0;
  for (double x : r) {
    ll -= 0.5 * (std::log(2 * std::numbers::pi * s) + x * x / s);
    s = m.omega + m.alpha * x * x + m.beta * s;
  }
  return ll;
}

std::vector<double> garch11_variance(const Garch11& m, std::span<const double> r, double initial) {
  detail::check_finite("garch11_variance", "returns", r);
  if (!(initial > 0))
    throw ValueError(fmt::format("garch11_variance: initial variance must be positive, got {}", initial));
  std::vector<double> out(r.size());
  double s = initial;
  for (size_t t = 0; t < r.size(); ++t) out[t] = s = m.omega + m.alpha * r[t] * r[t] + m.beta * s;
  return out;
}

double garch11_horizon_variance(const Garch11& m, double next, int horizon) {
  if (horizon < 1) throw ValueError(fmt::format("garch11_horizon_variance: horizon must be >= 1, got {}", horizon));
  const double vbar = m.unconditional_variance(), p = m.persistence();
  double total = 0, decay = 1;
  for (int k = 0; k < horizon; ++k, decay *= p) total += vbar + decay * (next - vbar);
  return total;
}

Garch11 fit_garch11(std::span<const double> r) {
  constexpr const char* where = "fit_garch11";
  detail::check_finite(where, "returns", r);
  if (r.size() < 50) throw ValueError(fmt::format("{}: needs at least 50 returns, got {}", where, r.size()));
  Problem pb{.returns = r, .initial = initial_variance(r)};
  for (double x : r) pb.scale += x * x;
  pb.scale /= static_cast<double>(r.size());
  if (!(pb.scale > 0)) throw ValueError(fmt::format("{}: every return is 0; the variance cannot be fitted", where));
  if (!(pb.initial > 0)) pb.initial = pb.scale;

  const std::array<double, 3> lower{-5, 0, 0}, upper{5, kMaxPersistence, 1};
  // Starts: a typical daily equity fit, a low-persistence one, and a nearly constant variance.
  const std::array<std::array<double, 3>, 3> starts{{{0, 0.98, 0.08}, {0, 0.7, 0.3}, {0, 0.2, 0.5}}};
  Garch11 best;
  double best_value = HUGE_VAL;
  for (const auto& start : starts) {
    nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, 3);
    if (!opt) throw std::bad_alloc();
    nlopt_set_lower_bounds(opt, lower.data());
    nlopt_set_upper_bounds(opt, upper.data());
    nlopt_set_min_objective(opt, negative_log_likelihood, &pb);
    nlopt_set_xtol_rel(opt, 1e-10);
    nlopt_set_ftol_abs(opt, 1e-11);
    nlopt_set_maxeval(opt, 20000);
    std::array<double, 3> x = start;
    double value = HUGE_VAL;
    const nlopt_result status = nlopt_optimize(opt, x.data(), &value);
    nlopt_destroy(opt);
    if (status < 0 && status != NLOPT_ROUNDOFF_LIMITED) continue;
    if (value < best_value) {
      best_value = value;
      best = from_box(x.data(), pb.scale);
    }
  }
  if (!std::isfinite(best_value))
    throw ValueError(fmt::format("{}: the likelihood could not be maximized on {} returns", where, r.size()));
  best.log_likelihood = -best_value;
  return best;
}

}  // namespace deepfin::backtest
