#pragma once
// Is a difference real? The tests a careful analyst prints beside every
// comparison of forecasts or strategies: the Diebold–Mariano test on forecast
// losses, and a block-bootstrap interval for a Sharpe ratio difference. Each
// ends in a verdict (beats, ties or loses) at a stated significance level.
#include <cstdint>
#include <span>
#include <string>

namespace deepfin::backtest {

enum class Verdict { beats, ties, loses };
std::string to_string(Verdict v);
// "beats X", "ties with X" or "loses to X".
std::string verdict_phrase(Verdict v, const std::string& baseline);

// Diebold & Mariano (1995) with the Harvey, Leybourne & Newbold (1997) small-sample
// correction: d_t = loss_model_t - loss_baseline_t; the long-run variance of d sums
// its autocovariances up to lag horizon - 1 (Bartlett weights when that sum is not
// positive); the statistic is compared with Student's t on n - 1 degrees of freedom.
struct DieboldMariano {
  int64_t n = 0;
  int horizon = 1;
  double mean_difference = 0;  // mean(d): negative when the model's losses are lower
  double statistic = 0;        // the corrected statistic; 0 when the losses are identical
  double p_value = 1;          // two-sided
};

// ShapeError if sizes differ; ValueError when fewer than 3 points, horizon < 1 or
// >= n, or a loss is not finite (naming the array and index).
DieboldMariano diebold_mariano(std::span<const double> loss_model, std::span<const double> loss_baseline,
                               int horizon = 1);

// beats: p < alpha and the model's mean loss is lower; loses: p < alpha and higher; else ties.
Verdict verdict(const DieboldMariano& test, double alpha = 0.05);

// A paired circular block bootstrap (Politis & Romano 1992) of the annualized Sharpe
// ratio difference SR(a) - SR(b): the same blocks of periods are drawn for both
// series, so their correlation is kept. Percentile interval; the p-value is the
// two-sided share of centred resampled differences at least as far from 0 as the
// observed one.
struct SharpeDifferenceOptions {
  int64_t block_length = 0;  // periods per block; 0: round(n^(1/3)), at least 1
  int resamples = 2000;      // >= 100
  double level = 0.95;       // the interval's coverage, in (0, 1)
  int periods_per_year = 252;
  uint64_t seed = 42;  // the resampling is reproducible
};

struct SharpeDifference {
  double sharpe_a = 0, sharpe_b = 0, difference = 0;  // annualized
  double lower = 0, upper = 0;                        // the interval for the difference
  double p_value = 1;
  double level = 0.95;
  int64_t block_length = 0;
  int resamples = 0;
};

// Sharpe ratio as StrategyResult computes it (sample std; 0 when the returns do not vary).
// ShapeError if sizes differ; ValueError if fewer than 3 periods, a value is not finite
// (naming the index) or an option is out of range.
SharpeDifference sharpe_difference(std::span<const double> returns_a, std::span<const double> returns_b,
                                   const SharpeDifferenceOptions& options = {});

// beats when the interval lies above 0, loses when below, else ties.
Verdict verdict(const SharpeDifference& d);

// Two models scored on the same K cross-validation folds: the corrected resampled t-test of
// Nadeau & Bengio (2003). Folds share training rows, so the plain paired t-test is too
// confident; the variance of the differences is scaled by (1/K + n_test/n_train), and the
// statistic compared with Student's t on K - 1 degrees of freedom, two-sided.
struct PairedFoldTest {
  int64_t folds = 0;
  double mean_difference = 0;  // mean of a - b (positive: a scores higher)
  double statistic = 0;        // 0 when every difference is the same
  double p_value = 1;
};

// ShapeError if sizes differ; ValueError for fewer than 2 folds, a value that is not finite
// or test_over_train <= 0.
PairedFoldTest corrected_paired_t_test(std::span<const double> a, std::span<const double> b, double test_over_train);

// For scores where higher is better: a beats b when p < alpha and a's mean is higher.
Verdict verdict(const PairedFoldTest& test, double alpha = 0.05);

}  // namespace deepfin::backtest
