// The sampled Gaussian mechanism's RDP (Mironov, Talwar, Zhang 2019, section 3)
// and its conversion to (epsilon, delta) (Balle et al. 2020, theorem 21).
#include "deepfin/privacy/rdp_accountant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "deepfin/base/error.h"

namespace deepfin::privacy {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)) without overflow.
double log_add(double a, double b) {
  if (a == -kInf) return b;
  if (b == -kInf) return a;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

// log(exp(a) - exp(b)) for a >= b; -inf when they are equal.
double log_sub(double a, double b) {
  if (b == -kInf) return a;
  if (a <= b) return -kInf;  // rounding can make a tiny positive difference look negative
  return a + std::log1p(-std::exp(b - a));
}

// log(erfc(x)), finite far past where erfc(x) itself underflows (x > ~26).
double log_erfc(double x) {
  if (x < 20.0) return std::log(std::erfc(x));
  // Asymptotic series erfc(x) = exp(-x^2) / (x sqrt(pi)) * (1 - 1/(2x^2) + 3/(4x^4) - ...);
  // at x >= 20 the terms left out are below 1e-12 relative.
  const double r = 1.0 / (2.0 * x * x);
  const double series = 1.0 - r + 3.0 * r * r - 15.0 * r * r * r + 105.0 * r * r * r * r;
  return -x * x - std::log(x) - 0.5 * std::log(M_PI) + std::log(series);
}

// log A_alpha for integer alpha: sum_i C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2)).
double log_a_integer(double q, double sigma, int64_t alpha) {
  double log_a = -kInf;
  for (int64_t i = 0; i <= alpha; ++i) {
    const double log_binom = std::lgamma(static_cast<double>(alpha) + 1.0) - std::lgamma(static_cast<double>(i) + 1.0) -
                             std::lgamma(static_cast<double>(alpha - i) + 1.0);
    const auto di = static_cast<double>(i);
    const double term = log_binom + di * std::log(q) + static_cast<double>(alpha - i) * std::log1p(-q) +
                        (di * di - di) / (2.0 * sigma * sigma);
    log_a = log_add(log_a, term);
  }
  return log_a;
}

// log A_alpha for fractional alpha: the integral split at z0, where the two
// Gaussians' likelihood ratio crosses, each side a series in the generalized
// binomial coefficients C(alpha, i), whose sign alternates once i > alpha.
double log_a_fractional(double q, double sigma, double alpha) {
  double log_a0 = -kInf, log_a1 = -kInf;
  const double z0 = sigma * sigma * std::log(1.0 / q - 1.0) + 0.5;
  double log_coef = 0.0;  // log |C(alpha, i)|, kept by the recurrence C(a, i+1) = C(a, i) (a - i) / (i + 1)
  bool positive = true;
  for (int64_t i = 0;; ++i) {
    const auto di = static_cast<double>(i);
    const double j = alpha - di;
    const double log_t0 = log_coef + di * std::log(q) + j * std::log1p(-q);
    const double log_t1 = log_coef + j * std::log(q) + di * std::log1p(-q);
    const double log_e0 = std::log(0.5) + log_erfc((di - z0) / (M_SQRT2 * sigma));
    const double log_e1 = std::log(0.5) + log_erfc((z0 - j) / (M_SQRT2 * sigma));
    const double log_s0 = log_t0 + (di * di - di) / (2.0 * sigma * sigma) + log_e0;
    const double log_s1 = log_t1 + (j * j - j) / (2.0 * sigma * sigma) + log_e1;
    if (positive) {
      log_a0 = log_add(log_a0, log_s0);
      log_a1 = log_add(log_a1, log_s1);
    } else {
      log_a0 = log_sub(log_a0, log_s0);
      log_a1 = log_sub(log_a1, log_s1);
    }
    // The terms shrink polynomially once i > alpha; what is left past e^-30 is below double precision here.
    if (std::max(log_s0, log_s1) < -30.0) break;
    if (i > 10'000'000) throw Error("sampled_gaussian_rdp: the fractional-order series did not converge");
    const double factor = alpha - di;
    if (factor == 0.0) break;  // C(alpha, i) = 0 from here on (cannot happen for fractional alpha)
    log_coef += std::log(std::abs(factor)) - std::log(di + 1.0);
    if (factor < 0.0) positive = !positive;
  }
  return log_add(log_a0, log_a1);
}

}  // namespace

const std::vector<double>& default_orders() {
  static const std::vector<double> orders = [] {
    std::vector<double> o;
    for (int k = 11; k <= 109; ++k) o.push_back(k / 10.0);
    for (int k = 12; k <= 63; ++k) o.push_back(k);
    return o;
  }();
  return orders;
}

void check_sample_rate(double sample_rate, const char* what) {
  if (!(sample_rate > 0.0 && sample_rate <= 1.0))
    throw ValueError(fmt::format("{}: the sampling rate must lie in (0, 1], got {}", what, sample_rate));
}

void check_noise_multiplier(double noise_multiplier, const char* what) {
  if (!(noise_multiplier > 0.0) || !std::isfinite(noise_multiplier))
    throw ValueError(fmt::format("{}: the noise multiplier must be a positive number, got {}", what, noise_multiplier));
}

void check_delta(double delta, const char* what) {
  if (!(delta > 0.0 && delta < 1.0)) throw ValueError(fmt::format("{}: delta must lie in (0, 1), got {}", what, delta));
}

void check_epsilon(double epsilon, const char* what) {
  if (!(epsilon > 0.0) || !std::isfinite(epsilon))
    throw ValueError(fmt::format("{}: epsilon must be a positive number, got {}", what, epsilon));
}

double sampled_gaussian_rdp(double sample_rate, double noise_multiplier, double order) {
  check_sample_rate(sample_rate, "sampled_gaussian_rdp");
  check_noise_multiplier(noise_multiplier, "sampled_gaussian_rdp");
  if (!(order > 1.0)) throw ValueError(fmt::format("sampled_gaussian_rdp: the order must be > 1, got {}", order));
  const double q = sample_rate, sigma = noise_multiplier;
  if (q == 1.0) return order / (2.0 * sigma * sigma);  // the plain Gaussian mechanism
  const double log_a = order == std::floor(order) ? log_a_integer(q, sigma, static_cast<int64_t>(order))
                                                  : log_a_fractional(q, sigma, order);
  return log_a / (order - 1.0);
}

EpsilonAt epsilon_from_rdp(const std::vector<double>& orders, const std::vector<double>& rdp, double delta) {
  check_delta(delta, "epsilon_from_rdp");
  if (orders.size() != rdp.size() || orders.empty())
    throw ValueError(fmt::format("epsilon_from_rdp: {} orders for {} RDP values", orders.size(), rdp.size()));
  EpsilonAt best{kInf, 0.0};
  for (size_t k = 0; k < orders.size(); ++k) {
    const double a = orders[k];
    const double eps = rdp[k] - (std::log(delta) + std::log(a)) / (a - 1.0) + std::log((a - 1.0) / a);
    if (std::isfinite(eps) && eps < best.epsilon) best = {eps, a};
  }
  return best;
}

RdpAccountant::RdpAccountant(std::vector<double> orders) : orders_(std::move(orders)), rdp_(orders_.size(), 0.0) {
  if (orders_.empty()) throw ValueError("RdpAccountant: needs at least one order");
  for (double a : orders_)
    if (!(a > 1.0)) throw ValueError(fmt::format("RdpAccountant: every order must be > 1, got {}", a));
}

const std::vector<double>& RdpAccountant::step_curve(double sample_rate, double noise_multiplier) const {
  if (cached_curve_.empty() || cached_.sample_rate != sample_rate || cached_.noise_multiplier != noise_multiplier) {
    std::vector<double> curve(orders_.size());
    for (size_t k = 0; k < orders_.size(); ++k)
      curve[k] = sampled_gaussian_rdp(sample_rate, noise_multiplier, orders_[k]);
    cached_curve_ = std::move(curve);
    cached_ = {sample_rate, noise_multiplier, 0};
  }
  return cached_curve_;
}

std::vector<double> RdpAccountant::rdp_after(double sample_rate, double noise_multiplier, int64_t steps) const {
  if (steps < 0) throw ValueError(fmt::format("RdpAccountant: steps must be >= 0, got {}", steps));
  std::vector<double> rdp = rdp_;
  if (steps == 0) return rdp;
  const std::vector<double>& curve = step_curve(sample_rate, noise_multiplier);
  for (size_t k = 0; k < orders_.size(); ++k) rdp[k] += static_cast<double>(steps) * curve[k];
  return rdp;
}

void RdpAccountant::step(double sample_rate, double noise_multiplier, int64_t steps) {
  rdp_ = rdp_after(sample_rate, noise_multiplier, steps);
  if (steps == 0) return;
  if (!history_.empty() && history_.back().sample_rate == sample_rate &&
      history_.back().noise_multiplier == noise_multiplier)
    history_.back().steps += steps;
  else
    history_.push_back({sample_rate, noise_multiplier, steps});
}

int64_t RdpAccountant::steps() const {
  int64_t n = 0;
  for (const auto& p : history_) n += p.steps;
  return n;
}

EpsilonAt RdpAccountant::epsilon(double delta) const {
  check_delta(delta, "RdpAccountant::epsilon");
  if (history_.empty()) return {};
  return epsilon_from_rdp(orders_, rdp_, delta);
}

EpsilonAt RdpAccountant::epsilon_after(double sample_rate, double noise_multiplier, int64_t steps, double delta) const {
  return epsilon_from_rdp(orders_, rdp_after(sample_rate, noise_multiplier, steps), delta);
}

double rdp_epsilon(double sample_rate, double noise_multiplier, int64_t steps, double delta) {
  RdpAccountant accountant;
  accountant.step(sample_rate, noise_multiplier, steps);
  return accountant.epsilon(delta).epsilon;
}

double noise_multiplier_for_epsilon(double target_epsilon, double sample_rate, int64_t steps, double delta) {
  const char* what = "noise_multiplier_for_epsilon";
  check_epsilon(target_epsilon, what);
  check_sample_rate(sample_rate, what);
  check_delta(delta, what);
  if (steps < 1) throw ValueError(fmt::format("{}: steps must be >= 1, got {}", what, steps));
  double low = 0.0, high = 1.0;
  while (rdp_epsilon(sample_rate, high, steps, delta) > target_epsilon) {
    low = high;
    high *= 2.0;
    if (high > 1e6)
      throw ValueError(fmt::format(
          "{}: epsilon {} cannot be reached at delta {} with any noise: the conversion from RDP alone costs more. "
          "Raise epsilon or delta",
          what, target_epsilon, delta));
  }
  while (high - low > 1e-4 * high) {
    const double mid = 0.5 * (low + high);
    if (rdp_epsilon(sample_rate, mid, steps, delta) > target_epsilon)
      low = mid;
    else
      high = mid;
  }
  return high;  // the noisier end: its epsilon never exceeds the target
}

}  // namespace deepfin::privacy
