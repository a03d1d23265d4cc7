// Volatility forecasts judged as a risk desk judges them: the model and the equal-weight
// combination against EWMA and GARCH(1,1) on QLIKE and MSE with Diebold–Mariano tests, and the
// VaR each implies (filtered historical or Gaussian) with its coverage backtests.
#include "tasks/forecast/variance_scoring.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "deepfin/backtest/filtered_historical_var.h"
#include "deepfin/backtest/significance.h"
#include "deepfin/backtest/value_at_risk.h"
#include "deepfin/base/error.h"

namespace deepfin::tasks::detail {
namespace {

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

// backtest::combined_variance of the three forecasts, point by point.
std::vector<double> geometric_mean(const std::vector<double>& a, const std::vector<double>& b,
                                   const std::vector<double>& c) {
  std::vector<double> out(a.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = backtest::combined_variance(a[i], b[i], c[i]);
  return out;
}

// The h-period GARCH forecasts of a fitted model for samples [begin, end).
std::vector<double> garch_path(const ForecastData& d, const backtest::Garch11& model, int64_t begin, int64_t end) {
  const std::span<const double> all(d.returns.data() + 1, d.returns.size() - 1);
  const std::vector<double> next = backtest::garch11_variance(model, all, backtest::initial_variance(all));
  std::vector<double> out;
  for (int64_t s = begin; s < end; ++s)
    out.push_back(backtest::garch11_horizon_variance(model, next[d.last_input(s) - 1], static_cast<int>(d.horizon)));
  return out;
}

// GARCH(1,1)'s forecasts of samples [0, end), each block of `every` samples (at least 21, to
// bound the number of fits) from a fit on the returns before it, as `deepfin backtest` refits it
// on the test span. Out of sample, their standardized returns show the tail a fitted GARCH
// meets; in-sample ones, which the likelihood was maximized on, look thinner.
// NaN until a year of returns (252) precedes a block.
std::vector<double> garch_out_of_sample(const ForecastData& d, int64_t end, int64_t retrain_every) {
  constexpr int64_t kFirstFit = 252;
  const int64_t every = std::max<int64_t>(retrain_every, 21);
  std::vector<double> out(static_cast<size_t>(end), std::nan(""));
  int64_t s = 0;
  while (s < end && d.last_input(s) < kFirstFit) ++s;
  for (; s < end; s += every) {
    const std::vector<double> block = garch_forecasts(d, s, std::min(s + every, end));
    std::copy(block.begin(), block.end(), out.begin() + s);
  }
  return out;
}

// Each forecaster's next-day variance forecasts of the samples before the test span, in
// variance_forecasts' order, and the returns they were made for. The EWMA and GARCH are
// measured on every day both have an out-of-sample forecast (after the EWMA's warm-up and
// GARCH's first year); the model and the combination on those of the model's calibration span.
struct CalibrationSpan {
  std::vector<double> baseline_returns, model_returns;  // the EWMA's and GARCH's days; the model's
  std::vector<std::vector<double>> forecasts;
  // Forecaster k's returns: the model (0) and the combination (3) share the model's days.
  const std::vector<double>& returns(size_t k) const { return k == 0 || k == 3 ? model_returns : baseline_returns; }
  size_t fewest() const { return std::min(baseline_returns.size(), model_returns.size()); }
};

CalibrationSpan calibration_span(const ForecastData& d, const VarCalibration& c, int64_t retrain_every) {
  const int64_t first = c.model_first + static_cast<int64_t>(c.model_log_ratio.size());
  const std::vector<double> garch = garch_out_of_sample(d, first, retrain_every);
  CalibrationSpan span;
  span.forecasts.resize(4);
  for (int64_t s = 0; s < first; ++s) {
    const int64_t t = d.target_time(s);
    const double ewma = d.ewma_forecast[t], g = garch[s];
    if (!(ewma > 0 && g > 0 && std::isfinite(g))) continue;  // the EWMA's warm-up, GARCH's first year
    span.baseline_returns.push_back(d.returns[t]);
    span.forecasts[1].push_back(ewma);
    span.forecasts[2].push_back(g);
    if (s < c.model_first) continue;
    const double log_ratio = c.model_log_ratio[static_cast<size_t>(s - c.model_first)];
    const double model = ewma * std::exp(log_ratio);
    if (!(model > 0 && std::isfinite(model)))
      throw ValueError(
          fmt::format("forecast: the model's variance forecast for {} (before the test span) is {} (log "
                      "ratio {})",
                      d.series.dates[t], model, log_ratio));
    span.model_returns.push_back(d.returns[t]);
    span.forecasts[0].push_back(model);
    span.forecasts[3].push_back(backtest::combined_variance(model, ewma, g));
  }
  return span;
}

}  // namespace

std::vector<double> garch_forecasts(const ForecastData& d, int64_t begin, int64_t end, backtest::Garch11* fit) {
  // Returns r[1 .. last_input(begin)]: everything known when the first forecast of the block is made.
  const int64_t last = d.last_input(begin);
  const std::span<const double> all(d.returns.data() + 1, d.returns.size() - 1);
  const backtest::Garch11 model = backtest::fit_garch11(all.first(static_cast<size_t>(last)));
  if (fit) *fit = model;
  return garch_path(d, model, begin, end);
}

int64_t fewest_tail_returns(const ForecastSpec& spec) {
  int64_t fewest = 0;
  for (double level : spec.var_levels) fewest = std::max(fewest, backtest::minimum_tail_returns(level));
  return fewest;
}

void score_variance(const ForecastSpec& spec, const ForecastData& d, const std::vector<double>& log_ratio,
                    const std::vector<double>& garch, const backtest::Garch11& last_garch,
                    const VarCalibration& calibration, ForecastResult& r) {
  const int64_t first = d.num_samples - static_cast<int64_t>(log_ratio.size());
  std::vector<double> model, ewma;
  r.equity_days.clear();
  for (size_t i = 0; i < log_ratio.size(); ++i) {
    const int64_t t = d.target_time(first + static_cast<int64_t>(i));
    r.realized.push_back(d.realized[t]);
    ewma.push_back(d.ewma_forecast[t]);
    model.push_back(d.ewma_forecast[t] * std::exp(log_ratio[i]));
    r.next_returns.push_back(d.returns[d.last_input(first + static_cast<int64_t>(i)) + 1]);
    r.days.push_back(d.series.time[t]);
    r.dates.push_back(d.series.dates[t]);
  }
  for (size_t i = 0; i < model.size(); ++i)
    if (!(model[i] > 0 && std::isfinite(model[i])))
      throw ValueError(fmt::format("forecast: the model's variance forecast for {} is {} (log ratio {})", r.dates[i],
                                   model[i], log_ratio[i]));
  r.variance_forecasts = {{"model", model},
                          {"EWMA (lambda " + fmt::format("{}", spec.ewma_lambda) + ")", ewma},
                          {"GARCH(1,1)", garch},
                          {"combination", geometric_mean(model, ewma, garch)}};
  r.variance_keys = {"model", "ewma", "garch", "combination"};

  const int h = static_cast<int>(spec.horizon);
  std::string& t = r.summary;
  t = fmt::format("variance forecasts of {} over {} {} on {} test points ({} .. {}):\n", spec.target, h,
                  h == 1 ? "period" : "periods", r.realized.size(), r.dates.front(), r.dates.back());
  t += "| forecast | mean QLIKE | RMSE of the variance | mean forecast volatility (annualized) |\n|---|---|---|---|\n";
  std::vector<std::vector<double>> qlike, mse;
  for (const auto& [name, f] : r.variance_forecasts) {
    qlike.push_back(backtest::qlike_losses(r.realized, f));
    r.mean_qlike.emplace_back(name, mean(qlike.back()));
    mse.push_back(backtest::squared_error_losses(r.realized, f));
    double vol = 0;
    for (double v : f) vol += std::sqrt(v * spec.periods_per_year / h);
    t += fmt::format("| {} | {:.4f} | {:.3e} | {:.1f} % |\n", name, mean(qlike.back()), std::sqrt(mean(mse.back())),
                     100 * vol / static_cast<double>(f.size()));
  }
  t += fmt::format("realized volatility (annualized, root mean square): {:.1f} %\n",
                   100 * std::sqrt(mean(r.realized) * spec.periods_per_year / h));
  t += fmt::format(
      "GARCH(1,1) of the last fit: omega {:.3e}, alpha {:.4f}, beta {:.4f}, persistence {:.4f}\n\n"
      "combination: the geometric mean of the model's, the EWMA's and GARCH's forecasts (equal weights, nothing "
      "fitted)\n\n"
      "Diebold-Mariano tests (HLN-corrected, lag {}), the model and the combination against each baseline, at the "
      "{} % level:\n"
      "| forecast | baseline | loss | mean loss difference | DM | p | verdict |\n|---|---|---|---|---|---|---|\n",
      last_garch.omega, last_garch.alpha, last_garch.beta, last_garch.persistence(), h - 1, 100 * spec.significance);
  if (static_cast<int64_t>(r.realized.size()) <= h || r.realized.size() < 3) {
    t += "(too few test points to test the differences)\n";
    return;
  }
  for (size_t f : {size_t{0}, size_t{3}}) {  // the model, the combination
    const std::string& forecaster = r.variance_forecasts[f].first;
    for (size_t b : {size_t{1}, size_t{2}}) {  // EWMA, GARCH
      const std::string& name = r.variance_forecasts[b].first;
      for (const auto& [loss_name, losses] : {std::pair{"QLIKE", &qlike}, std::pair{"MSE", &mse}}) {
        const backtest::DieboldMariano dm = backtest::diebold_mariano((*losses)[f], (*losses)[b], h);
        const backtest::Verdict v = backtest::verdict(dm, spec.significance);
        r.variance_comparisons.push_back(
            {.forecaster = forecaster, .baseline = name, .loss = loss_name, .test = dm, .verdict = v});
        t += fmt::format("| {} | {} | {} | {:+.3e} | {:+.2f} | {:.3f} | {} |\n", forecaster, name, loss_name,
                         dm.mean_difference, dm.statistic, dm.p_value, backtest::verdict_phrase(v, name));
      }
    }
  }

  if (h != 1) {
    t += "\nVaR backtests apply to next-period forecasts; this job forecasts " + std::to_string(h) + " periods.\n";
    return;
  }
  const bool gaussian = spec.var_method == "gaussian";
  const CalibrationSpan span = gaussian ? CalibrationSpan{} : calibration_span(d, calibration, spec.retrain_every);
  if (!gaussian && static_cast<int64_t>(span.fewest()) < fewest_tail_returns(spec)) {
    // The forecasts above stand; only the VaR cannot.
    r.var_note = fmt::format(
        "no VaR backtest: a filtered historical VaR at {} % needs at least {} returns before the test span to "
        "measure a forecaster's tail, and {} has {} for the EWMA and GARCH (from GARCH's first out-of-sample year on) "
        "and {} for the model and the combination (the second half of the model's first training span, forecast by "
        "a fit on the first half); use a smaller [backtest] test_fraction, a longer series{}, or var_method = "
        "\"gaussian\".",
        100 * *std::max_element(spec.var_levels.begin(), spec.var_levels.end()), fewest_tail_returns(spec), spec.path,
        span.baseline_returns.size(), span.model_returns.size(),
        spec.window == "rolling" ? ", a larger rolling_size" : "");
    t += "\n" + r.var_note + "\n";
    return;
  }
  t += gaussian
           ? std::string("\nvalue at risk and expected shortfall (Gaussian, zero mean) of the next day's log return:\n")
           : fmt::format(
                 "\nvalue at risk and expected shortfall of the next day's log return, by filtered historical "
                 "simulation: the tail of each forecaster's returns before the test span, each divided by its own "
                 "out-of-sample volatility forecast ({} returns for the EWMA and GARCH; {} for the model and the "
                 "combination, forecast by a fit on the half of the span before them) (VaR / vol: the Gaussian's "
                 "is 2.33 at 99 %, 1.96 at 97.5 %):\n",
                 span.baseline_returns.size(), span.model_returns.size());
  t +=
      "| forecast | level | VaR / vol | exceptions (expected) | Kupiec p | Christoffersen p | conditional coverage p | "
      "Basel zone | realized loss / ES |\n|---|---|---|---|---|---|---|---|---|\n";
  for (size_t k = 0; k < r.variance_forecasts.size(); ++k) {
    const auto& [name, f] = r.variance_forecasts[k];
    for (double level : spec.var_levels) {
      VarianceVarBacktest row;
      row.forecaster = name;
      if (gaussian) {
        const std::vector<double> var = backtest::gaussian_var(f, level);
        const std::vector<double> es = backtest::gaussian_expected_shortfall(f, level);
        row.backtest = backtest::backtest_var(r.next_returns, var, es, level);
        row.var_multiple = var[0] / std::sqrt(f[0]);
        row.es_multiple = es[0] / std::sqrt(f[0]);
      } else {
        const backtest::StandardizedTail tail = backtest::standardized_tail(span.returns(k), span.forecasts[k], level);
        row.backtest = backtest::backtest_var(r.next_returns, backtest::filtered_historical_var(f, tail),
                                              backtest::filtered_historical_expected_shortfall(f, tail), level);
        row.var_multiple = tail.var_multiple;
        row.es_multiple = tail.es_multiple;
        row.calibration_returns = tail.n;
      }
      const backtest::VarBacktest& b = row.backtest;
      t += fmt::format("| {} | {:.1f} % | {:.2f} | {} ({:.1f}) | {:.3f} | {:.3f} | {:.3f} | {} | {} |\n", name,
                       100 * level, row.var_multiple, b.exceptions, static_cast<double>(b.n) * (1 - level), b.kupiec_p,
                       b.independence_p, b.conditional_p, backtest::to_string(b.light),
                       std::isnan(b.shortfall_ratio) ? std::string("n/a") : fmt::format("{:.2f}", b.shortfall_ratio));
      r.var_backtests.push_back(std::move(row));
    }
  }
  t += "A p-value below the level rejects correct coverage (Kupiec), independent exceptions (Christoffersen) or "
       "both; the zone is Basel's, from the binomial probability of that many exceptions.\n";
}

}  // namespace deepfin::tasks::detail
