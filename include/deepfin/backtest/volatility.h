#pragma once
// Volatility forecasting: the realized-variance targets, the two baselines risk
// desks use (RiskMetrics EWMA and GARCH(1,1) by maximum likelihood), and the two
// losses forecasts are judged by (QLIKE and MSE, Patton 2011).
//
// Conventions: r[t] is the log return of period t. A "next-period forecast made
// at t" uses r[0..t] only and forecasts the variance of r[t + 1]; a horizon-h
// forecast forecasts the sum of the variances of r[t + 1 .. t + h].
#include <cstdint>
#include <span>
#include <vector>

namespace deepfin::backtest {

// target[t] = r[t+1]^2 + ... + r[t+h]^2; NaN where t + h runs past the end.
// ValueError if horizon < 1 or a return is not finite.
std::vector<double> realized_variance(std::span<const double> returns, int horizon);

// RiskMetrics: s[t] = lambda s[t-1] + (1 - lambda) r[t]^2, the next-period forecast made
// at t, started from s[-1] = initial (> 0). The horizon-h forecast is h s[t]
// (a flat term structure). ValueError for lambda outside (0, 1) or initial <= 0.
std::vector<double> ewma_variance(std::span<const double> returns, double lambda, double initial);

// The starting variance both baselines use: the mean of r^2 over the first
// min(n, 22) returns (about a trading month), so that a forecast does not depend on
// where a training span ends; the whole series' when those are all 0 (a flat start).
// ValueError when every return is 0.
double initial_variance(std::span<const double> returns);

// GARCH(1,1) with zero mean: s[t] = omega + alpha r[t]^2 + beta s[t-1], Gaussian likelihood.
struct Garch11 {
  double omega = 0, alpha = 0, beta = 0;
  double log_likelihood = 0;  // of the returns it was fitted on, with their first variance = initial
  double persistence() const { return alpha + beta; }
  double unconditional_variance() const { return omega / (1 - alpha - beta); }
};

// Maximum likelihood on the returns, over omega > 0, alpha, beta >= 0, alpha + beta <= 0.9999,
// the variance of r[0] being initial_variance(returns). Optimized with NLopt's BOBYQA from
// several starts. ValueError for fewer than 50 returns, a return that is not finite, or
// returns that are all 0.
Garch11 fit_garch11(std::span<const double> returns);

// The Gaussian log-likelihood of the returns under the model, the variance of r[0] being `initial`.
double garch11_log_likelihood(const Garch11& model, std::span<const double> returns, double initial);

// Next-period forecasts s[t] made at each t, the variance of r[0] being `initial`.
std::vector<double> garch11_variance(const Garch11& model, std::span<const double> returns, double initial);

// Sum over k = 1..h of E[variance of r[t+k]] given the next-period forecast s:
// sum of vbar + (alpha + beta)^(k-1) (s - vbar).
double garch11_horizon_variance(const Garch11& model, double next_variance, int horizon);

// The equal-weight combination of three variance forecasts: their geometric mean (the mean of
// their logs, the scale QLIKE judges). Nothing in it is fitted; equal weights are hard to beat on
// series no forecaster was chosen for (Bates & Granger 1969; Timmermann 2006).
double combined_variance(double a, double b, double c);

// Per-point losses of a variance forecast f of a realized variance y:
// QLIKE = y / f - log(y / f) - 1 (0 for a perfect forecast; the log term is
// dropped when y = 0, which shifts every forecaster's loss by the same amount on that
// point), MSE = (y - f)^2. ShapeError if sizes differ; ValueError if a forecast is not
// positive or a value is not finite.
std::vector<double> qlike_losses(std::span<const double> realized, std::span<const double> forecast);
std::vector<double> squared_error_losses(std::span<const double> realized, std::span<const double> forecast);

}  // namespace deepfin::backtest
