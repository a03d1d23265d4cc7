#pragma once
// Quantile-normal ("rank-Gauss") scaling of a numeric column: each value is mapped
// through the training values' quantiles to a standard normal score. Unlike the
// mean/std standardization it is indifferent to heavy tails (incomes, balances):
// one income of 10^7 no longer squeezes every other applicant near zero.
#include <vector>

namespace deepfin::data::detail {

// The knots of the mapping: min(1000, n) quantiles (at least 2) of the observed values at
// evenly spaced probabilities k / (knots - 1), with numpy's linear interpolation. Non-decreasing;
// repeated values are kept, so a mass point (say 60 % zeros) spans its share of probability.
// Empty `values` gives no knots.
std::vector<double> quantile_knots(std::vector<double> values);

// The normal score of x: its probability u among the knots (linear between knots; the middle of
// the span of knots equal to x; 0 below the first, 1 above the last), shrunk to
// [1/(2K), 1 - 1/(2K)] for K knots and mapped through the standard normal quantile. With one
// knot per training value this is Hazen's plotting position (i + 1/2) / n, so the scores stay
// within about ±3.3 and no training value is an outlier. `knots` has at least 2 entries.
double quantile_normal_score(const std::vector<double>& knots, double x);

}  // namespace deepfin::data::detail
