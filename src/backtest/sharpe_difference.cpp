// A paired circular block bootstrap of a Sharpe ratio difference.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "backtest/checks.h"
#include "deepfin/backtest/significance.h"

namespace deepfin::backtest {
namespace {

// Annualized Sharpe ratio of the periods idx (sample std; 0 when constant). Not inlined, so
// that every call rounds alike and identical series give a difference of exactly 0.
[[gnu::noinline]] double sharpe(std::span<const double> r, const std::vector<int64_t>& idx, double annual_factor) {
  double mean = 0;
  for (int64_t i : idx) mean += r[i];
  mean /= static_cast<double>(idx.size());
  double ss = 0;
  for (int64_t i : idx) ss += (r[i] - mean) * (r[i] - mean);
  const double sd = std::sqrt(ss / static_cast<double>(idx.size() - 1));
  return sd > 0 ? mean / sd * annual_factor : 0.0;
}

// The q-quantile of sorted values, linearly interpolated.
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

SharpeDifference sharpe_difference(std::span<const double> a, std::span<const double> b,
                                   const SharpeDifferenceOptions& o) {
  constexpr const char* where = "sharpe_difference";
  detail::check_same_size(where, "returns_a", a, "returns_b", b);
  detail::check_finite(where, "returns_a", a);
  detail::check_finite(where, "returns_b", b);
  const auto n = static_cast<int64_t>(a.size());
  if (n < 3) throw ValueError(fmt::format("{}: needs at least 3 periods, got {}", where, n));
  if (o.block_length < 0 || o.block_length > n)
    throw ValueError(fmt::format("{}: block_length must lie in [0, {}], got {}", where, n, o.block_length));
  if (o.resamples < 100) throw ValueError(fmt::format("{}: resamples must be >= 100, got {}", where, o.resamples));
  if (!(o.level > 0 && o.level < 1))
    throw ValueError(fmt::format("{}: level must lie in (0, 1), got {}", where, o.level));
  if (o.periods_per_year < 1)
    throw ValueError(fmt::format("{}: periods_per_year must be >= 1, got {}", where, o.periods_per_year));

  const double annual = std::sqrt(static_cast<double>(o.periods_per_year));
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) idx[i] = i;
  SharpeDifference r;
  r.sharpe_a = sharpe(a, idx, annual);
  r.sharpe_b = sharpe(b, idx, annual);
  r.difference = r.sharpe_a - r.sharpe_b;
  r.level = o.level;
  r.resamples = o.resamples;
  r.block_length =
      o.block_length > 0 ? o.block_length : std::max<int64_t>(1, std::llround(std::cbrt(static_cast<double>(n))));

  std::mt19937_64 rng(o.seed);
  auto below = [&](int64_t m) { return static_cast<int64_t>((static_cast<unsigned __int128>(rng()) * m) >> 64); };
  std::vector<double> diffs(static_cast<size_t>(o.resamples));
  for (double& diff : diffs) {
    for (int64_t filled = 0; filled < n;) {
      const int64_t start = below(n);
      for (int64_t k = 0; k < r.block_length && filled < n; ++k) idx[filled++] = (start + k) % n;
    }
    diff = sharpe(a, idx, annual) - sharpe(b, idx, annual);
  }
  int64_t extreme = 0;  // centred at the observed difference: the null's spread around 0
  for (double diff : diffs) extreme += std::abs(diff - r.difference) >= std::abs(r.difference);
  r.p_value = static_cast<double>(extreme + 1) / static_cast<double>(o.resamples + 1);
  std::sort(diffs.begin(), diffs.end());
  r.lower = quantile(diffs, (1 - o.level) / 2);
  r.upper = quantile(diffs, 1 - (1 - o.level) / 2);
  return r;
}

Verdict verdict(const SharpeDifference& d) {
  if (d.lower > 0) return Verdict::beats;
  if (d.upper < 0) return Verdict::loses;
  return Verdict::ties;
}

}  // namespace deepfin::backtest
