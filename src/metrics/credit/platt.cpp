// Platt scaling fitted by Newton's method with backtracking, after Lin, Lin & Weng (2007),
// "A note on Platt's probabilistic outputs for support vector machines".
#include <fmt/format.h>

#include <cmath>

#include "checks.h"
#include "deepfin/base/error.h"
#include "deepfin/metrics/credit/calibration.h"

namespace deepfin::metrics {

using namespace credit_detail;

namespace {

// p = 1 / (1 + exp(f)) without overflow for large |f|.
double sigmoid_of_negative(double f) {
  if (f >= 0) {
    const double e = std::exp(-f);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + std::exp(f));
}

// Smoothed log-loss of f = a s + b against target t: ln(1 + e^f) - (1 - t) f, overflow-free.
double target_loss(double f, double t) {
  return f >= 0 ? t * f + std::log1p(std::exp(-f)) : (t - 1.0) * f + std::log1p(std::exp(f));
}

}  // namespace

void PlattScaling::fit(std::span<const double> scores, std::span<const int> labels) {
  check_scored_labels("PlattScaling::fit", scores, labels);
  for (size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i]))
      throw ValueError(fmt::format("PlattScaling::fit: score at index {} is {}; scores must be finite", i, scores[i]));
  const ClassCounts counts = count_classes(labels);
  const double n_pos = static_cast<double>(counts.positives), n_neg = static_cast<double>(counts.negatives);
  const double target_pos = (n_pos + 1.0) / (n_pos + 2.0), target_neg = 1.0 / (n_neg + 2.0);
  auto target = [&](size_t i) { return labels[i] == 1 ? target_pos : target_neg; };
  auto objective = [&](double a, double b) {
    double total = 0.0;
    for (size_t i = 0; i < scores.size(); ++i) total += target_loss(a * scores[i] + b, target(i));
    return total;
  };

  constexpr int kMaxIterations = 100;
  constexpr double kMinStep = 1e-10, kRidge = 1e-12;  // the ridge keeps the Hessian invertible
  const double tolerance = 1e-12 * static_cast<double>(scores.size());
  double a = 0.0, b = std::log((n_neg + 1.0) / (n_pos + 1.0));
  double loss = objective(a, b);
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    double g_a = 0, g_b = 0, h_aa = kRidge, h_ab = 0, h_bb = kRidge;
    for (size_t i = 0; i < scores.size(); ++i) {
      const double p = sigmoid_of_negative(a * scores[i] + b);
      const double residual = target(i) - p, curvature = p * (1.0 - p);
      g_a += scores[i] * residual;
      g_b += residual;
      h_aa += scores[i] * scores[i] * curvature;
      h_ab += scores[i] * curvature;
      h_bb += curvature;
    }
    if (std::abs(g_a) < tolerance && std::abs(g_b) < tolerance) break;
    const double det = h_aa * h_bb - h_ab * h_ab;
    const double d_a = -(h_bb * g_a - h_ab * g_b) / det, d_b = -(-h_ab * g_a + h_aa * g_b) / det;
    const double slope = g_a * d_a + g_b * d_b;
    double step = 1.0;
    for (; step >= kMinStep; step /= 2) {
      const double candidate = objective(a + step * d_a, b + step * d_b);
      if (candidate < loss + 1e-4 * step * slope) {
        a += step * d_a;
        b += step * d_b;
        loss = candidate;
        break;
      }
    }
    if (step < kMinStep) break;  // no further decrease possible in floating point
  }
  a_ = a;
  b_ = b;
  fitted_ = true;
}

double PlattScaling::transform(double score) const {
  if (!fitted_) throw ValueError("PlattScaling::transform: called before fit() or from_json()");
  if (std::isnan(score)) throw ValueError("PlattScaling::transform: score is NaN");
  return sigmoid_of_negative(a_ * score + b_);
}

nlohmann::json PlattScaling::to_json() const {
  return {{"a", a_}, {"b", b_}};
}

PlattScaling PlattScaling::from_json(const nlohmann::json& json) {
  PlattScaling platt;
  for (const char* key : {"a", "b"})
    if (!json.is_object() || !json.contains(key) || !json[key].is_number() || !std::isfinite(json[key].get<double>()))
      throw ValueError(fmt::format("PlattScaling::from_json: needs a finite number \"{}\"; got {}", key, json.dump()));
  platt.a_ = json["a"].get<double>();
  platt.b_ = json["b"].get<double>();
  platt.fitted_ = true;
  return platt;
}

}  // namespace deepfin::metrics
