// Forecast-vs-actual and equity-curve figures. Every series is checked (and added to the Figure,
// which checks finiteness) before save(), so bad input throws before any file exists.
#include "deepfin/report/forecast_figures.h"

#include <fmt/format.h>

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

void plot_equity(const std::vector<double>& days,
                 const std::vector<std::pair<std::string, std::vector<double>>>& curves, const std::string& title,
                 const std::string& path) {
  if (curves.empty()) throw ValueError("plot_equity: no equity curves");
  plot::Figure fig(title, "date", "equity (start = 1)");
  for (const auto& [label, equity] : curves) {
    check_series("plot_equity", days, equity, fmt::format("curve '{}'", label));
    fig.line(days, equity, label, {.width = 2.0});
  }
  fig.line({days.front(), days.back()}, {1.0, 1.0}, "start", {.color = kGrey, .dashed = true, .width = 1.0})
      .x_axis_dates();
  fig.save(path);
}

}  // namespace deepfin::report
