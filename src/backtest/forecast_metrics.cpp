// Forecast accuracy, the random-walk and always-up baselines, and the verdict line.
#include "deepfin/backtest/forecast_metrics.h"

#include <fmt/format.h>

#include <cmath>

#include "backtest/checks.h"

namespace deepfin::backtest {
namespace {

constexpr double kTieTolerance = 0.01;  // 1 % relative for errors, 1 percentage point for direction

void check_inputs(std::string_view where, std::span<const double> actual, std::span<const double> predicted,
                  std::span<const double> previous) {
  detail::check_same_size(where, "actual", actual, "predicted", predicted);
  detail::check_same_size(where, "actual", actual, "previous", previous);
  detail::check_not_empty(where, "actual", actual);
  detail::check_finite(where, "actual", actual);
  detail::check_finite(where, "predicted", predicted);
  detail::check_finite(where, "previous", previous);
}

double direction_accuracy(int64_t hits, int64_t moves) {
  return moves > 0 ? static_cast<double>(hits) / static_cast<double>(moves) : std::nan("");
}

ForecastMetrics metrics_unchecked(std::span<const double> actual, std::span<const double> predicted,
                                  std::span<const double> previous) {
  const size_t n = actual.size();
  double abs_sum = 0, sq_sum = 0, pct_sum = 0;
  int64_t direction_hits = 0, moves = 0;
  for (size_t i = 0; i < n; ++i) {
    if (actual[i] == 0) {
      throw ValueError(fmt::format("forecast_metrics: actual[{}] is 0, so MAPE is undefined", i));
    }
    const double error = predicted[i] - actual[i];
    abs_sum += std::abs(error);
    sq_sum += error * error;
    pct_sum += std::abs(error / actual[i]);
    // Direction is scored on the days the price moved: on an unchanged day any "not up"
    // call would score, so a flat series would give 100 %. A flat forecast means "not up".
    if (actual[i] == previous[i]) continue;
    ++moves;
    direction_hits += (predicted[i] > previous[i]) == (actual[i] > previous[i]);
  }
  const double count = static_cast<double>(n);
  return {.n = static_cast<int64_t>(n),
          .mae = abs_sum / count,
          .rmse = std::sqrt(sq_sum / count),
          .mape = 100.0 * pct_sum / count,
          .directional_accuracy = direction_accuracy(direction_hits, moves),
          .moves = moves};
}

// "(-5.4 %, beats)" for a lower-is-better error against its baseline.
std::string compare_error(double model, double baseline) {
  if (baseline == 0) {
    return model == 0 ? "(+0.0 %, ties (within 1 %))" : "(baseline is 0, loses)";
  }
  const double relative = (model - baseline) / baseline;
  const char* word = relative < -kTieTolerance ? "beats" : relative > kTieTolerance ? "loses" : "ties (within 1 %)";
  return fmt::format("({:+.1f} %, {})", 100.0 * relative, word);
}

}  // namespace

ForecastMetrics forecast_metrics(std::span<const double> actual, std::span<const double> predicted,
                                 std::span<const double> previous) {
  check_inputs("forecast_metrics", actual, predicted, previous);
  return metrics_unchecked(actual, predicted, previous);
}

ForecastMetrics random_walk_baseline(std::span<const double> actual, std::span<const double> previous) {
  check_inputs("random_walk_baseline", actual, previous, previous);
  return metrics_unchecked(actual, previous, previous);
}

ForecastMetrics always_up_baseline(std::span<const double> actual, std::span<const double> previous) {
  check_inputs("always_up_baseline", actual, previous, previous);
  ForecastMetrics m = metrics_unchecked(actual, previous, previous);
  int64_t ups = 0;
  for (size_t i = 0; i < actual.size(); ++i) ups += actual[i] > previous[i];
  m.directional_accuracy = direction_accuracy(ups, m.moves);
  return m;
}

std::string verdict(const ForecastMetrics& model, const ForecastMetrics& random_walk,
                    const ForecastMetrics& always_up) {
  if (model.n != random_walk.n || model.n != always_up.n) {
    throw ValueError(
        fmt::format("verdict: metrics over different samples (model n = {}, random walk n = {}, "
                    "always-up n = {})",
                    model.n, random_walk.n, always_up.n));
  }
  const std::string errors =
      fmt::format("vs random walk: MAE {:.4g} vs {:.4g} {}; RMSE {:.4g} vs {:.4g} {}; MAPE {:.3f} % vs {:.3f} % {}",
                  model.mae, random_walk.mae, compare_error(model.mae, random_walk.mae), model.rmse, random_walk.rmse,
                  compare_error(model.rmse, random_walk.rmse), model.mape, random_walk.mape,
                  compare_error(model.mape, random_walk.mape));
  if (model.moves == 0)
    return fmt::format("{}; direction not scored: the price never moved over the {} forecasts", errors, model.n);
  const double direction_diff = model.directional_accuracy - always_up.directional_accuracy;
  const char* direction_word = direction_diff > kTieTolerance    ? "beats"
                               : direction_diff < -kTieTolerance ? "loses"
                                                                 : "ties (within 1 pp)";
  return fmt::format("{}; directional accuracy {:.1f} % vs always-up {:.1f} % ({:+.1f} pp, {}) over {} forecasts{}",
                     errors, 100.0 * model.directional_accuracy, 100.0 * always_up.directional_accuracy,
                     100.0 * direction_diff, direction_word, model.n,
                     model.moves < model.n ? fmt::format(" ({} days with a move)", model.moves) : "");
}

}  // namespace deepfin::backtest
