#pragma once
// Accuracy of a price-level forecast, and the two baselines every market forecast must beat:
// the random walk (tomorrow = today) for the level, and "always up" for the direction.
#include <cstdint>
#include <span>
#include <string>

namespace deepfin::backtest {

struct ForecastMetrics {
  int64_t n = 0;
  double mae = 0, rmse = 0;
  double mape = 0;                  // percent
  double directional_accuracy = 0;  // fraction in [0, 1] of `moves`; NaN when the price never moved
  int64_t moves = 0;                // forecasts whose actual differs from previous (direction is scored on these)
};

// actual/predicted: the forecast target (a price level); previous: the last known value when the
// forecast was made. Direction: (predicted > previous) vs (actual > previous) on the days the
// price moved (actual != previous); a flat forecast counts as "not up". ShapeError if sizes differ; ValueError if
// empty, any value is not finite (naming the array and index) or an actual is 0 (MAPE undefined).
ForecastMetrics forecast_metrics(std::span<const double> actual, std::span<const double> predicted,
                                 std::span<const double> previous);

// predicted = previous. A zero-change forecast predicts "not up", so its directional accuracy is the
// share of moves that are down.
ForecastMetrics random_walk_baseline(std::span<const double> actual, std::span<const double> previous);

// Direction always up: directional accuracy = share of up moves. The level forecast is previous, so
// MAE, RMSE and MAPE equal the random walk's.
ForecastMetrics always_up_baseline(std::span<const double> actual, std::span<const double> previous);

// One line that never hides a tie: the model's MAE, RMSE and MAPE against the random walk's, each with
// the relative difference (model - baseline) / baseline and "beats" (lower by more than 1 %),
// "ties (within 1 %)" or "loses"; then its directional accuracy against always-up, with the difference
// in percentage points and "beats" / "ties (within 1 pp)" / "loses" (or, when the price never
// moved, that direction is not scored). ValueError if the n differ.
std::string verdict(const ForecastMetrics& model, const ForecastMetrics& random_walk, const ForecastMetrics& always_up);

}  // namespace deepfin::backtest
