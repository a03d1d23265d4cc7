// The PRV accountant. For each direction of adjacency, one step's privacy loss
// Y = log(P(x) / Q(x)), x ~ P, has a closed-form CDF; it is put on a grid of
// mesh h (each value rounded up: a pessimistic loss), the grids of all steps
// are convolved by FFT (the k steps of a phase as the k-th power of its
// transform), and delta(epsilon) = E[(1 - e^(epsilon - Y))+] is read off the result.
#include "deepfin/privacy/prv_accountant.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <memory>

#include "deepfin/base/error.h"

namespace deepfin::privacy {
namespace {

// Points of the composed grid: enough for the rounding to add at most kSlack to
// the loss, within these bounds (8M points: 64 MB per array, about a second).
constexpr int64_t kMinGrid = int64_t{1} << 16, kMaxGrid = int64_t{1} << 23;
constexpr double kSlack = 1e-3;
// The composed loss lies above kLow but for e^kLow of its mass: E[e^-Y] = 1 in both directions.
constexpr double kLow = -40.0;
// What may lie above the grid, bounded through RDP, is kept below 1e-18.
constexpr double kTailLog = 18.0 * 2.302585092994046;
constexpr double kTiny = 1e-30;  // a step's mass cut off below and above its support

double upper_normal(double z) {
  return 0.5 * std::erfc(z / M_SQRT2);
}  // P(N(0, 1) > z)
double lower_normal(double z) {
  return 0.5 * std::erfc(-z / M_SQRT2);
}

// One step's privacy loss, for one direction:
// - removal: Y = log(1 - q + q e^((2x - 1) / (2 sigma^2))), x ~ (1 - q) N(0, sigma^2) + q N(1, sigma^2);
// - addition: Y = -log(the same), x ~ N(0, sigma^2).
struct StepLoss {
  double q, sigma;
  bool removal;

  // The x where the log ratio equals u (for e^u > 1 - q): the ratio is increasing in x.
  double x_at(double u) const { return sigma * sigma * std::log((std::expm1(u) + q) / q) + 0.5; }
  // P(Y <= t) and P(Y > t), each from its own tail (no 1 - F cancellation).
  std::pair<double, double> cdf_sf(double t) const {
    const double floor_u = q < 1.0 ? std::log1p(-q) : -std::numeric_limits<double>::infinity();
    if (removal) {
      if (t <= floor_u) return {0.0, 1.0};
      const double x = x_at(t);
      return {(1 - q) * lower_normal(x / sigma) + q * lower_normal((x - 1) / sigma),
              (1 - q) * upper_normal(x / sigma) + q * upper_normal((x - 1) / sigma)};
    }
    if (-t <= floor_u) return {1.0, 0.0};
    const double x = x_at(-t);  // Y <= t exactly when x >= x_at(-t)
    return {upper_normal(x / sigma), lower_normal(x / sigma)};
  }
  // Where the CDF falls below / the survival function below kTiny, by bisection.
  double quantile_edge(bool upper) const {
    double a = upper ? 0.0 : -1e4, b = upper ? 1e4 : 0.0;
    for (int i = 0; i < 200; ++i) {
      const double m = 0.5 * (a + b);
      const auto [cdf, sf] = cdf_sf(m);
      if (upper ? sf > kTiny : cdf < kTiny)
        a = m;
      else
        b = m;
    }
    return upper ? b : a;
  }
};

// The composed distribution's part above 0 (delta(epsilon) for epsilon >= 0 needs
// no more): point j is the loss j x mesh, for j in [1, top).
struct Composed {
  double mesh = 0.0;
  std::vector<double> above;    // the mass at points j, j + 1, ... (index j)
  std::vector<double> above_w;  // the same, each mass times e^(-loss)
  double extra = 0.0;           // infinite losses, plus the bounds on mass off the grid
};

// z^k by repeated squaring: a few products, where std::pow takes a log and a sincos.
std::complex<double> power(std::complex<double> z, int64_t k) {
  std::complex<double> result(1.0, 0.0);
  for (; k > 0; k >>= 1) {
    if (k & 1) result *= z;
    z *= z;
  }
  return result;
}

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};

Composed compose(const std::vector<Phase>& phases, bool removal, double mesh, int64_t n) {
  const int64_t bins = n / 2 + 1;
  std::unique_ptr<double, FftwFree> real(static_cast<double*>(fftw_malloc(sizeof(double) * n)));
  std::unique_ptr<fftw_complex, FftwFree> spectrum(
      static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * bins)));
  if (!real || !spectrum) throw Error("PRV accountant: out of memory for the grid");
  std::vector<std::complex<double>> product(static_cast<size_t>(bins), {1.0, 0.0});
  const fftw_plan forward = fftw_plan_dft_r2c_1d(static_cast<int>(n), real.get(), spectrum.get(), FFTW_ESTIMATE);
  const fftw_plan backward = fftw_plan_dft_c2r_1d(static_cast<int>(n), spectrum.get(), real.get(), FFTW_ESTIMATE);
  double finite = 1.0;  // probability that no step's loss fell off the top of its support
  for (const Phase& p : phases) {
    if (p.steps == 0) continue;
    const StepLoss step{p.sample_rate, p.noise_multiplier, removal};
    std::fill(real.get(), real.get() + n, 0.0);
    // Grid point m carries the mass of (m - 1, m] x mesh (the lowest, everything at or below it).
    const auto m_low = static_cast<int64_t>(std::ceil(step.quantile_edge(false) / mesh));
    const auto m_high = static_cast<int64_t>(std::ceil(step.quantile_edge(true) / mesh));
    if (m_high - m_low + 1 >= n / 2)
      throw Error("PRV accountant: one step's loss spans more than half the grid; use the RDP accountant");
    auto [prev_cdf, prev_sf] = step.cdf_sf(static_cast<double>(m_low) * mesh);
    real.get()[((m_low % n) + n) % n] = prev_cdf;
    for (int64_t m = m_low + 1; m <= m_high; ++m) {
      const auto [cdf, sf] = step.cdf_sf(static_cast<double>(m) * mesh);
      real.get()[((m % n) + n) % n] = prev_cdf < 0.5 ? cdf - prev_cdf : prev_sf - sf;
      prev_cdf = cdf;
      prev_sf = sf;
    }
    finite *= std::pow(1.0 - prev_sf, static_cast<double>(p.steps));
    fftw_execute(forward);
    for (int64_t k = 0; k < bins; ++k)
      product[static_cast<size_t>(k)] *=
          power(std::complex<double>(spectrum.get()[k][0], spectrum.get()[k][1]), p.steps);
  }
  for (int64_t k = 0; k < bins; ++k) {
    spectrum.get()[k][0] = product[static_cast<size_t>(k)].real();
    spectrum.get()[k][1] = product[static_cast<size_t>(k)].imag();
  }
  fftw_execute(backward);
  fftw_destroy_plan(forward);
  fftw_destroy_plan(backward);

  // Index i holds the losses i x mesh + z x width; the one in [kLow, kLow + width)
  // counts, so indices from `top` on are negative losses, wrapped around.
  const double width = static_cast<double>(n) * mesh;
  const auto top = std::min<int64_t>(n, static_cast<int64_t>(std::ceil((kLow + width) / mesh)));
  Composed c;
  c.mesh = mesh;
  c.above.assign(static_cast<size_t>(top) + 1, 0.0);
  c.above_w.assign(static_cast<size_t>(top) + 1, 0.0);
  for (int64_t j = top - 1; j >= 1; --j) {
    const auto u = static_cast<size_t>(j);
    const double mass = real.get()[j] / static_cast<double>(n);
    c.above[u] = c.above[u + 1] + mass;
    c.above_w[u] = c.above_w[u + 1] + mass * std::exp(-static_cast<double>(j) * mesh);
  }
  c.extra = (1.0 - finite) + std::exp(kLow) + std::exp(-kTailLog);
  return c;
}

// E[(1 - e^(epsilon - Y))+] over the points with loss above epsilon (>= 0), plus the extra.
double delta_at(const Composed& c, double epsilon) {
  const auto j = std::min(static_cast<size_t>(std::floor(epsilon / c.mesh)) + 1, c.above.size() - 1);
  return std::max(0.0, c.above[j] - std::exp(epsilon) * c.above_w[j]) + c.extra;
}

// The grid for these phases: it reaches from kLow to where RDP bounds what lies above
// by e^-kTailLog, plus the rounding's drift.
struct Grid {
  double mesh = 0.0, high = 0.0;
  int64_t steps = 0, points = 0;
};

Grid grid_for(const std::vector<Phase>& phases) {
  RdpAccountant rdp;
  int64_t steps = 0;
  for (const Phase& p : phases) {
    check_sample_rate(p.sample_rate, "PRV accountant");
    check_noise_multiplier(p.noise_multiplier, "PRV accountant");
    if (p.steps < 0) throw ValueError(fmt::format("PRV accountant: steps must be >= 0, got {}", p.steps));
    rdp.step(p.sample_rate, p.noise_multiplier, p.steps);
    steps += p.steps;
  }
  // P(Y > t) <= exp((a - 1)(RDP(a) - t)) for every order a (Chernoff on E[e^((a-1)Y)] = e^((a-1) RDP(a))).
  const std::vector<double> curve = rdp.rdp_curve();
  double high = std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < curve.size(); ++k) high = std::min(high, curve[k] + kTailLog / (rdp.orders()[k] - 1.0));
  // One step's loss must span less than half the grid, or its mass would wrap onto itself.
  double span = 0.0;
  for (const Phase& p : phases)
    for (const bool removal : {true, false}) {
      const StepLoss step{p.sample_rate, p.noise_multiplier, removal};
      span = std::max(span, step.quantile_edge(true) - step.quantile_edge(false));
    }
  Grid g;
  g.steps = steps;
  double width = std::max(high - kLow + 1.0, 2.0 * span + 1.0);
  g.points = kMinGrid;
  while (g.points < kMaxGrid && width * static_cast<double>(steps) / static_cast<double>(g.points) > kSlack)
    g.points *= 2;
  width += static_cast<double>(steps) * width / static_cast<double>(g.points);  // every loss may move up a mesh
  g.mesh = width / static_cast<double>(g.points);
  g.high = kLow + width;
  return g;
}

}  // namespace

double prv_delta(const std::vector<Phase>& phases, double epsilon) {
  const Grid g = grid_for(phases);
  if (g.steps == 0) return 0.0;
  double worst = 0.0;
  for (const bool removal : {true, false})
    worst = std::max(worst, delta_at(compose(phases, removal, g.mesh, g.points), epsilon));
  return std::min(1.0, worst);
}

PrvEpsilon prv_epsilon(const std::vector<Phase>& phases, double delta) {
  check_delta(delta, "PRV accountant");
  const Grid g = grid_for(phases);
  if (g.steps == 0) return {};
  double worst = 0.0;
  for (const bool removal : {true, false}) {
    const Composed c = compose(phases, removal, g.mesh, g.points);
    if (c.extra >= delta)
      throw ValueError(
          fmt::format("PRV accountant: delta {} is below what the grid cannot resolve ({:.3g}); use the RDP accountant",
                      delta, c.extra));
    if (delta_at(c, 0.0) <= delta) continue;  // epsilon 0 already meets it
    double low = 0.0, high = g.high;
    for (int i = 0; i < 100 && high - low > 1e-10; ++i) {
      const double mid = 0.5 * (low + high);
      (delta_at(c, mid) > delta ? low : high) = mid;
    }
    worst = std::max(worst, high);
  }
  return {worst, static_cast<double>(g.steps) * g.mesh};
}

double prv_noise_multiplier_for_epsilon(double target_epsilon, double sample_rate, int64_t steps, double delta) {
  const char* what = "PRV accountant";
  check_epsilon(target_epsilon, what);
  check_sample_rate(sample_rate, what);
  check_delta(delta, what);
  if (steps < 1) throw ValueError(fmt::format("{}: steps must be >= 1, got {}", what, steps));
  // The RDP answer is noisy enough (PRV is tighter); the PRV answer lies below it.
  double high = noise_multiplier_for_epsilon(target_epsilon, sample_rate, steps, delta);
  double low = high / 4.0;
  auto spends = [&](double sigma) { return prv_epsilon({{sample_rate, sigma, steps}}, delta).epsilon; };
  while (high - low > 1e-3 * high) {
    const double mid = 0.5 * (low + high);
    bool over = true;
    try {
      over = spends(mid) > target_epsilon;
    } catch (const ValueError&) {
      over = true;  // too little noise for this grid: treat as over budget
    }
    (over ? low : high) = mid;
  }
  return high;
}

}  // namespace deepfin::privacy
