#include "deepfin/metrics/credit/scorecard.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::metrics {

namespace {

void check_scorecard(const Scorecard& card) {
  if (!(std::isfinite(card.base_odds) && card.base_odds > 0) ||
      !(std::isfinite(card.points_to_double_odds) && card.points_to_double_odds > 0) || !std::isfinite(card.base_score))
    throw ValueError(
        fmt::format("Scorecard: base_score must be finite, base_odds and points_to_double_odds positive and finite; "
                    "got base_score {}, base_odds {}, points_to_double_odds {}",
                    card.base_score, card.base_odds, card.points_to_double_odds));
}

}  // namespace

double Scorecard::factor() const {
  check_scorecard(*this);
  return points_to_double_odds / std::log(2.0);
}

double Scorecard::offset() const {
  return base_score - factor() * std::log(base_odds);
}

double Scorecard::points(double probability_bad) const {
  if (!(probability_bad > 0 && probability_bad < 1))
    throw ValueError(
        fmt::format("Scorecard::points: probability_bad must lie strictly between 0 and 1; got {}", probability_bad));
  // ln(odds_bad) = ln p - ln(1 - p), with log1p for accuracy near p = 0.
  return offset() - factor() * (std::log(probability_bad) - std::log1p(-probability_bad));
}

double Scorecard::probability_bad(double points) const {
  if (std::isnan(points)) throw ValueError("Scorecard::probability_bad: points is NaN");
  return 1.0 / (1.0 + std::exp((points - offset()) / factor()));
}

}  // namespace deepfin::metrics
