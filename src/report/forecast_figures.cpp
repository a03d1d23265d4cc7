// Forecast-vs-actual and equity-curve figures. Every series is checked (and added to the Figure,
// which checks finiteness) before save(), so bad input throws before any file exists.
#include "deepfin/report/forecast_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/plot/figure.h"

namespace deepfin::report {
namespace {

constexpr int kGrey = 7;  // the grey of the colour cycle, for reference lines

void check_series(const std::string& where, const std::vector<double>& days, const std::vector<double>& values,
                  const std::string& name) {
  if (days.empty()) throw ValueError(fmt::format("{}: days is empty", where));
  if (values.size() != days.size()) {
    throw ShapeError(fmt::format("{}: {} has {} values but days has {}", where, name, values.size(), days.size()));
  }
}

}  // namespace

void plot_forecast(const std::vector<double>& days, const std::vector<double>& actual,
                   const std::vector<double>& predicted, const std::string& title, const std::string& path) {
  check_series("plot_forecast", days, actual, "actual");
  check_series("plot_forecast", days, predicted, "predicted");
  plot::Figure fig(title, "date", "price");
  fig.line(days, actual, "actual", {.width = 2.0}).line(days, predicted, "forecast", {.width = 1.5}).x_axis_dates();
  fig.save(path);
}

void plot_forecast_returns(const std::vector<double>& days, const std::vector<double>& actual,
                           const std::vector<double>& forecast, const std::string& title, const std::string& path) {
  check_series("plot_forecast_returns", days, actual, "actual");
  check_series("plot_forecast_returns", days, forecast, "forecast");
  plot::Figure fig(title, "date", "log return");
  fig.line(days, actual, "actual", {.color = kGrey, .width = 0.0, .points = true})
      .line(days, forecast, "forecast", {.width = 1.5})
      .line({days.front(), days.back()}, {0.0, 0.0}, "", {.color = kGrey, .dashed = true, .width = 1.0})
      .x_axis_dates();
  fig.save(path);
}

void plot_volatility(const std::vector<double>& days, const std::vector<double>& realized,
                     const std::vector<std::pair<std::string, std::vector<double>>>& forecasts, int periods_per_year,
                     int horizon, const std::string& title, const std::string& path) {
  if (periods_per_year < 1 || horizon < 1)
    throw ValueError(fmt::format("plot_volatility: periods_per_year and horizon must be >= 1, got {} and {}",
                                 periods_per_year, horizon));
  check_series("plot_volatility", days, realized, "realized");
  const double annual = static_cast<double>(periods_per_year) / horizon;
  auto to_volatility = [&](const std::vector<double>& variance) {
    std::vector<double> v(variance.size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = 100 * std::sqrt(std::max(0.0, variance[i]) * annual);
    return v;
  };
  plot::Figure fig(title, "date", "annualized volatility (%)");
  fig.line(days, to_volatility(realized), "realized", {.color = kGrey, .width = 0.0, .points = true});
  for (const auto& [label, variance] : forecasts) {
    check_series("plot_volatility", days, variance, fmt::format("forecast '{}'", label));
    fig.line(days, to_volatility(variance), label, {.width = 1.5});
  }
  fig.x_axis_dates();
  fig.save(path);
}

plot::Figure equity_figure(const std::vector<double>& days,
                           const std::vector<std::pair<std::string, std::vector<double>>>& curves,
                           const std::string& title) {
  if (curves.empty()) throw ValueError("plot_equity: no equity curves");
  double lo = 1, hi = 1;  // the start line is drawn too
  for (const auto& [label, equity] : curves) {
    check_series("plot_equity", days, equity, fmt::format("curve '{}'", label));
    for (double e : equity) lo = std::min(lo, e), hi = std::max(hi, e);
  }
  const bool log_axis = lo > 0 && hi / lo > 10;
  plot::Figure fig(title, "date", log_axis ? "equity (start = 1, log scale)" : "equity (start = 1)");
  if (log_axis) fig.y_axis_log();
  for (const auto& [label, equity] : curves) fig.line(days, equity, label, {.width = 2.0});
  fig.line({days.front(), days.back()}, {1.0, 1.0}, "start", {.color = kGrey, .dashed = true, .width = 1.0})
      .x_axis_dates();
  return fig;
}

void plot_equity(const std::vector<double>& days,
                 const std::vector<std::pair<std::string, std::vector<double>>>& curves, const std::string& title,
                 const std::string& path) {
  equity_figure(days, curves, title).save(path);
}

}  // namespace deepfin::report
