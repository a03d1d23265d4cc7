// Volatility forecasts judged as a risk desk judges them: QLIKE and MSE against
// EWMA and GARCH(1,1) with Diebold–Mariano tests, and the VaR each implies.
#include "tasks/forecast/variance_scoring.h"

#include <fmt/format.h>

#include <cmath>
#include <span>

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

}  // namespace

std::vector<double> garch_forecasts(const ForecastData& d, int64_t begin, int64_t end, backtest::Garch11* fit) {
  // Returns r[1 .. last_input(begin)]: everything known when the first forecast of the block is made.
  const int64_t last = d.last_input(begin);
  const std::span<const double> all(d.returns.data() + 1, d.returns.size() - 1);
  const backtest::Garch11 model = backtest::fit_garch11(all.first(static_cast<size_t>(last)));
  if (fit) *fit = model;
  const std::vector<double> next = backtest::garch11_variance(model, all, backtest::initial_variance(all));
  std::vector<double> out;
  for (int64_t s = begin; s < end; ++s)
    out.push_back(backtest::garch11_horizon_variance(model, next[d.last_input(s) - 1], static_cast<int>(d.horizon)));
  return out;
}

void score_variance(const ForecastSpec& spec, const ForecastData& d, const std::vector<double>& log_ratio,
                    const std::vector<double>& garch, const backtest::Garch11& last_garch, ForecastResult& r) {
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
  r.variance_forecasts = {
      {"model", model}, {"EWMA (lambda " + fmt::format("{}", spec.ewma_lambda) + ")", ewma}, {"GARCH(1,1)", garch}};
  r.variance_keys = {"model", "ewma", "garch"};

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
      "Diebold-Mariano tests (HLN-corrected, lag {}), the model against each baseline, at the {} % level:\n"
      "| baseline | loss | mean loss difference | DM | p | verdict |\n|---|---|---|---|---|---|\n",
      last_garch.omega, last_garch.alpha, last_garch.beta, last_garch.persistence(), h - 1, 100 * spec.significance);
  if (static_cast<int64_t>(r.realized.size()) <= h || r.realized.size() < 3) {
    t += "(too few test points to test the differences)\n";
    return;
  }
  for (size_t b = 1; b < r.variance_forecasts.size(); ++b) {
    const std::string& name = r.variance_forecasts[b].first;
    for (const auto& [loss_name, losses] : {std::pair{"QLIKE", &qlike}, std::pair{"MSE", &mse}}) {
      const backtest::DieboldMariano dm = backtest::diebold_mariano((*losses)[0], (*losses)[b], h);
      const backtest::Verdict v = backtest::verdict(dm, spec.significance);
      r.variance_comparisons.push_back({.baseline = name, .loss = loss_name, .test = dm, .verdict = v});
      t += fmt::format("| {} | {} | {:+.3e} | {:+.2f} | {:.3f} | {} |\n", name, loss_name, dm.mean_difference,
                       dm.statistic, dm.p_value, backtest::verdict_phrase(v, name));
    }
  }

  if (h != 1) {
    t += "\nVaR backtests apply to next-period forecasts; this job forecasts " + std::to_string(h) + " periods.\n";
    return;
  }
  t += "\nvalue at risk and expected shortfall (Gaussian, zero mean) of the next day's log return:\n"
       "| forecast | level | exceptions (expected) | Kupiec p | Christoffersen p | conditional coverage p | "
       "Basel zone | realized loss / ES |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& [name, f] : r.variance_forecasts) {
    for (double level : spec.var_levels) {
      const backtest::VarBacktest b = backtest::backtest_var(r.next_returns, backtest::gaussian_var(f, level),
                                                             backtest::gaussian_expected_shortfall(f, level), level);
      r.var_backtests.push_back({.forecaster = name, .backtest = b});
      t += fmt::format("| {} | {:.1f} % | {} ({:.1f}) | {:.3f} | {:.3f} | {:.3f} | {} | {} |\n", name, 100 * level,
                       b.exceptions, static_cast<double>(b.n) * (1 - level), b.kupiec_p, b.independence_p,
                       b.conditional_p, backtest::to_string(b.light),
                       std::isnan(b.shortfall_ratio) ? std::string("n/a") : fmt::format("{:.2f}", b.shortfall_ratio));
    }
  }
  t += "A p-value below the level rejects correct coverage (Kupiec), independent exceptions (Christoffersen) or "
       "both; the zone is Basel's, from the binomial probability of that many exceptions.\n";
}

}  // namespace deepfin::tasks::detail
