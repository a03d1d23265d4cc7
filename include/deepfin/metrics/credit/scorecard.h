#pragma once
// Points scaling of a probability of default, as on a credit scorecard:
//   points = offset - factor * ln(odds_bad),  odds_bad = p / (1 - p)
//   factor = points_to_double_odds / ln 2,     offset = base_score - factor * ln(base_odds)
// so base_score points mean good:bad odds of base_odds:1 and every points_to_double_odds more
// points double those odds. Default: 600 points at 50:1, +20 points per doubling (620 at 100:1).
// (base_odds is good-to-bad, hence the minus: at odds_bad = 1 / base_odds, points = base_score.)

namespace deepfin::metrics {

struct Scorecard {
  double base_score = 600, base_odds = 50, points_to_double_odds = 20;

  double factor() const;  // pdo / ln 2
  double offset() const;  // base_score - factor * ln(base_odds)
  // Throws ValueError unless 0 < probability_bad < 1 (and for a bad scorecard: base_odds or
  // points_to_double_odds not positive and finite).
  double points(double probability_bad) const;
  // The inverse of points(): 1 / (1 + exp((points - offset) / factor)).
  double probability_bad(double points) const;
};

}  // namespace deepfin::metrics
