// Integrated gradients of small models: convergence of the quadrature rules,
// batching invariance, no gradient leaking into the model, and a timing.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include "deepfin/core/random.h"
#include "deepfin/explain/integrated_gradients.h"
#include "deepfin/models/sequential.h"
#include "deepfin/nn/layers/dense.h"

namespace deepfin::explain {
namespace {

// A tanh MLP with a linear head: its output is the log-odds a credit model explains.
std::shared_ptr<Sequential> tanh_mlp(int64_t features, int64_t hidden1, int64_t hidden2, uint64_t seed) {
  set_random_seed(seed);
  auto model = std::make_shared<Sequential>(
      std::vector<std::shared_ptr<nn::Layer>>{layers::Dense(hidden1, {.activation = "tanh", .input_shape = {features}}),
                                              layers::Dense(hidden2, {.activation = "tanh"}), layers::Dense(1)});
  model->build({features});
  return model;
}

DifferentiableFunction log_odds(const std::shared_ptr<Sequential>& model) {
  return [model](const Tensor& x) { return model->call(x); };
}

struct Fixture {
  std::shared_ptr<Sequential> model = tanh_mlp(6, 16, 8, 7);
  Tensor x = randn({5, 6}, DType::float32, 0.0, 2.0);
  Tensor baseline = randn({6}, DType::float32, 0.0, 0.5);
};

// |gap| relative to the change in output, the worst row.
double relative_gap(const Attributions& a) {
  double worst = 0;
  for (size_t i = 0; i < a.completeness_gap.size(); ++i)
    worst = std::max(worst, std::abs(a.completeness_gap[i]) / std::abs(a.output[i] - a.baseline_output[i]));
  return worst;
}

TEST(IntegratedGradientsModel, TrapezoidGapShrinksWithSteps) {
  Fixture s;
  double previous = INFINITY;
  for (int64_t steps : {2, 8, 32, 256}) {
    const Attributions a = integrated_gradients(log_odds(s.model), s.x, s.baseline, {.steps = steps});
    const double gap = relative_gap(a);
    EXPECT_LT(gap, previous) << "steps " << steps;
    previous = gap;
  }
  EXPECT_LT(previous, 1e-3);
}

TEST(IntegratedGradientsModel, LeftAndRightRiemannBracketAndConverge) {
  // Summed over features, the path integrand is d/da f(path(a)) =: phi'(a). Left
  // Riemann misses phi(1) - phi(0) by about -h/2 (phi'(1) - phi'(0)), right by
  // +h/2 (...): opposite signs, shrinking like h, and their mean is the trapezoid.
  Fixture s;
  auto run = [&](IntegrationRule rule, int64_t steps) {
    return integrated_gradients(log_odds(s.model), s.x, s.baseline, {.steps = steps, .rule = rule});
  };
  const Attributions left16 = run(IntegrationRule::left_riemann, 16), right16 = run(IntegrationRule::right_riemann, 16);
  const Attributions left64 = run(IntegrationRule::left_riemann, 64), right64 = run(IntegrationRule::right_riemann, 64);
  const Attributions trap16 = run(IntegrationRule::trapezoid, 16);
  for (size_t i = 0; i < left16.completeness_gap.size(); ++i) {
    EXPECT_LE(left16.completeness_gap[i] * right16.completeness_gap[i], 0.0) << "row " << i;
    EXPECT_LT(std::abs(left64.completeness_gap[i]), std::abs(left16.completeness_gap[i])) << "row " << i;
    EXPECT_LT(std::abs(right64.completeness_gap[i]), std::abs(right16.completeness_gap[i])) << "row " << i;
  }
  const std::vector<double> l = left16.values.to_vector<double>(), r = right16.values.to_vector<double>(),
                            t = trap16.values.to_vector<double>();
  for (size_t k = 0; k < t.size(); ++k) EXPECT_NEAR((l[k] + r[k]) / 2, t[k], 1e-5 * (1 + std::abs(t[k])));
}

TEST(IntegratedGradientsModel, BatchSizeDoesNotChangeValues) {
  Fixture s;
  const Attributions one = integrated_gradients(log_odds(s.model), s.x, s.baseline, {.steps = 10, .batch_size = 1});
  const Attributions odd = integrated_gradients(log_odds(s.model), s.x, s.baseline, {.steps = 10, .batch_size = 7});
  const Attributions big = integrated_gradients(log_odds(s.model), s.x, s.baseline, {.steps = 10, .batch_size = 4096});
  const std::vector<double> a = one.values.to_vector<double>(), b = odd.values.to_vector<double>(),
                            c = big.values.to_vector<double>();
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_NEAR(a[k], c[k], 1e-5 * (1 + std::abs(c[k])));
    EXPECT_NEAR(b[k], c[k], 1e-5 * (1 + std::abs(c[k])));
  }
  for (size_t i = 0; i < one.output.size(); ++i) EXPECT_NEAR(one.output[i], big.output[i], 1e-5);
}

TEST(IntegratedGradientsModel, ModelParameterGradientsAreLeftAsTheyWere) {
  Fixture s;
  // Give the gradient arena recognisable contents, as if mid-training.
  Tensor grads = s.model->parameter_arena().grads_tensor();
  float* g = grads.data<float>();
  for (int64_t k = 0; k < grads.numel(); ++k) g[k] = 0.25f * static_cast<float>(k % 13) - 1.0f;
  const std::vector<float> before = grads.to_vector<float>();
  std::vector<std::shared_ptr<TensorImpl>> grad_handles;
  for (const Tensor& w : s.model->trainable_weights()) grad_handles.push_back(w.grad().impl_ptr());

  integrated_gradients(log_odds(s.model), s.x, s.baseline, {.steps = 8, .batch_size = 9});

  EXPECT_EQ(s.model->parameter_arena().grads_tensor().to_vector<float>(), before);
  const std::vector<Tensor> weights = s.model->trainable_weights();
  ASSERT_EQ(weights.size(), grad_handles.size());
  for (size_t k = 0; k < weights.size(); ++k) EXPECT_EQ(weights[k].grad().impl_ptr(), grad_handles[k]) << k;
}

TEST(IntegratedGradientsModel, TimeToExplain100RowsOf60Features) {
  auto model = tanh_mlp(60, 64, 32, 11);
  const Tensor x = randn({100, 60});
  const Tensor baseline = zeros({60});
  const auto start = std::chrono::steady_clock::now();
  const Attributions a = integrated_gradients(log_odds(model), x, baseline, {.steps = 64});
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ timing ] integrated gradients, 100 rows x 60 features, MLP 64-32-1, 64 steps (trapezoid): " << ms
            << " ms\n";
  RecordProperty("milliseconds", static_cast<int>(ms));
  EXPECT_LT(relative_gap(a), 1e-2);
}

}  // namespace
}  // namespace deepfin::explain
