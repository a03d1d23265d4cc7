// Forecast metrics, baselines and verdicts on hand-computed cases.
#include "deepfin/backtest/forecast_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "deepfin/base/error.h"

namespace deepfin::backtest {
namespace {

using V = std::vector<double>;

TEST(ForecastMetrics, HandCase) {
  const V actual{101, 99, 100, 104}, predicted{99, 100, 102, 103}, previous{100, 98, 101, 105};
  // errors -2, 1, 2, -1; predicted up: F T T F; actual up: T T F F -> hits at samples 1 and 3.
  const ForecastMetrics m = forecast_metrics(actual, predicted, previous);
  EXPECT_EQ(m.n, 4);
  EXPECT_DOUBLE_EQ(m.mae, 1.5);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(2.5));
  EXPECT_DOUBLE_EQ(m.mape, 25.0 * (2.0 / 101 + 1.0 / 99 + 2.0 / 100 + 1.0 / 104));
  EXPECT_DOUBLE_EQ(m.directional_accuracy, 0.5);
}

TEST(ForecastMetrics, DirectionIsScoredOnMovesOnly) {
  // Day 0 did not move (not scored); on day 1 (down) the flat forecast means "not up": a hit;
  // on day 2 (up) the flat forecast misses.
  const V actual{100, 99, 102}, predicted{101, 100, 100}, previous{100, 100, 100};
  const ForecastMetrics m = forecast_metrics(actual, predicted, previous);
  EXPECT_EQ(m.moves, 2);
  EXPECT_DOUBLE_EQ(m.directional_accuracy, 0.5);
}

TEST(ForecastMetrics, AFlatSeriesHasNoDirectionToScore) {
  // A constant price: every forecast of "not up" would once have scored 100 % and "beaten" always-up.
  const V flat{100, 100, 100}, predicted{99, 100, 99.5};
  const ForecastMetrics m = forecast_metrics(flat, predicted, flat);
  EXPECT_EQ(m.moves, 0);
  EXPECT_TRUE(std::isnan(m.directional_accuracy));
  const std::string v = verdict(m, random_walk_baseline(flat, flat), always_up_baseline(flat, flat));
  EXPECT_NE(v.find("direction not scored: the price never moved over the 3 forecasts"), std::string::npos) << v;
  EXPECT_EQ(v.find("beats"), std::string::npos) << v;
}

TEST(Baselines, RandomWalkAndAlwaysUp) {
  // Moves: up, up, unchanged, down, up -> 3 of 5 up.
  const V actual{101, 102, 100, 99, 103}, previous{100, 100, 100, 100, 100};
  const ForecastMetrics rw = random_walk_baseline(actual, previous);
  EXPECT_EQ(rw.n, 5);
  EXPECT_DOUBLE_EQ(rw.mae, 7.0 / 5);
  EXPECT_DOUBLE_EQ(rw.rmse, std::sqrt(15.0 / 5));
  EXPECT_DOUBLE_EQ(rw.mape, 20.0 * (1.0 / 101 + 2.0 / 102 + 0 + 1.0 / 99 + 3.0 / 103));
  EXPECT_DOUBLE_EQ(rw.directional_accuracy, 0.25);  // of the 4 moves, 1 is down
  EXPECT_EQ(rw.moves, 4);
  const ForecastMetrics up = always_up_baseline(actual, previous);
  EXPECT_DOUBLE_EQ(up.directional_accuracy, 0.75);
  EXPECT_DOUBLE_EQ(up.mae, rw.mae);
  EXPECT_DOUBLE_EQ(up.rmse, rw.rmse);
  EXPECT_DOUBLE_EQ(up.mape, rw.mape);
}

TEST(ForecastMetrics, BadInput) {
  const V three{1, 2, 3}, two{1, 2};
  try {
    forecast_metrics(three, two, three);
    ADD_FAILURE() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "forecast_metrics: actual has 3 values but predicted has 2");
  }
  EXPECT_THROW(random_walk_baseline(three, two), ShapeError);
  EXPECT_THROW(forecast_metrics(V{}, V{}, V{}), ValueError);
  try {
    forecast_metrics(three, V{1, std::nan(""), 3}, three);
    ADD_FAILURE() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("predicted[1] is nan"), std::string::npos) << e.what();
  }
  try {
    always_up_baseline(V{1, 0}, V{1, 1});
    ADD_FAILURE() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("actual[1] is 0"), std::string::npos) << e.what();
  }
}

ForecastMetrics metrics(double mae, double rmse, double mape, double direction) {
  return {.n = 100, .mae = mae, .rmse = rmse, .mape = mape, .directional_accuracy = direction, .moves = 100};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Verdict, BeatsTiesLoses) {
  const ForecastMetrics rw = metrics(1.25, 1.0, 1.8, 0.48), up = metrics(1.25, 1.0, 1.8, 0.52);
  const std::string v = verdict(metrics(1.0, 1.005, 2.0, 0.55), rw, up);
  EXPECT_TRUE(contains(v, "MAE 1 vs 1.25 (-20.0 %, beats)")) << v;
  EXPECT_TRUE(contains(v, "RMSE 1.005 vs 1 (+0.5 %, ties (within 1 %))")) << v;
  EXPECT_TRUE(contains(v, "MAPE 2.000 % vs 1.800 % (+11.1 %, loses)")) << v;
  EXPECT_TRUE(contains(v, "directional accuracy 55.0 % vs always-up 52.0 % (+3.0 pp, beats)")) << v;
  EXPECT_TRUE(contains(v, "over 100 forecasts")) << v;
  EXPECT_TRUE(contains(verdict(metrics(1, 1, 1, 0.525), rw, up), "(+0.5 pp, ties (within 1 pp))"));
  EXPECT_TRUE(contains(verdict(metrics(1, 1, 1, 0.45), rw, up), "(-7.0 pp, loses)"));
  // A perfect baseline (error 0): equal ties, anything above loses.
  const ForecastMetrics perfect = metrics(0, 0, 0, 0.52);
  EXPECT_TRUE(contains(verdict(metrics(0, 0, 0, 0.52), perfect, up), "MAE 0 vs 0 (+0.0 %, ties (within 1 %))"));
  EXPECT_TRUE(contains(verdict(metrics(0.1, 0, 0, 0.52), perfect, up), "(baseline is 0, loses)"));
}

TEST(Verdict, DifferentSampleCountsRejected) {
  ForecastMetrics other = metrics(1, 1, 1, 0.5);
  other.n = 99;
  EXPECT_THROW(verdict(metrics(1, 1, 1, 0.5), other, metrics(1, 1, 1, 0.5)), ValueError);
}

}  // namespace
}  // namespace deepfin::backtest
