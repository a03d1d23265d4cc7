// Integrated gradients on functions whose integrals are known in closed form,
// and every error path.
#include "deepfin/explain/integrated_gradients.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/reductions.h"
#include "explain_test_util.h"

namespace deepfin::explain {
namespace {

const std::vector<IntegrationRule> kAllRules{IntegrationRule::left_riemann, IntegrationRule::right_riemann,
                                             IntegrationRule::midpoint, IntegrationRule::trapezoid};

// x (3, 4) and a shared baseline (4), all exactly representable in float32.
Tensor sample_x() {
  return from_vector(std::vector<float>{1.5f, -2.0f, 0.25f, 3.0f,  //
                                        0.0f, 1.0f, -1.0f, 0.5f,   //
                                        -3.5f, 2.5f, 4.0f, -0.75f},
                     {3, 4});
}
Tensor sample_baseline() {
  return from_vector(std::vector<float>{0.5f, 1.0f, -0.5f, 0.0f}, {4});
}

// f(x) = x . w + c, shaped (M, 1).
DifferentiableFunction linear_function(const std::vector<float>& w, double c) {
  Tensor weights = from_vector(w, {static_cast<int64_t>(w.size()), 1});
  return [weights, c](const Tensor& x) { return add(matmul(x, weights), c); };
}

// f(x) = sum_j x_j^2, shaped (M).
Tensor sum_of_squares(const Tensor& x) {
  return sum(square(x), {1});
}

void expect_matches(const Attributions& a, const std::vector<double>& expected, double tol) {
  const std::vector<double> got = a.values.to_vector<double>();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], expected[k], tol) << "element " << k;
}

TEST(IntegratedGradients, LinearFunctionIsExactForEveryRule) {
  const std::vector<float> w{2.0f, -1.0f, 0.5f, 3.0f};
  const Tensor x = sample_x(), b = sample_baseline();
  const std::vector<double> xv = x.to_vector<double>(), bv = b.to_vector<double>();
  std::vector<double> expected;
  for (size_t k = 0; k < xv.size(); ++k) expected.push_back((xv[k] - bv[k % 4]) * w[k % 4]);
  for (IntegrationRule rule : kAllRules) {
    SCOPED_TRACE(to_string(rule));
    const Attributions a = integrated_gradients(linear_function(w, 0.7), x, b, {.steps = 5, .rule = rule});
    EXPECT_EQ(a.values.shape(), (Shape{3, 4}));
    EXPECT_EQ(a.values.dtype(), DType::float32);
    expect_matches(a, expected, 1e-5);
    // f(x_0) = 1.5*2 + -2*-1 + 0.25*0.5 + 3*3 + 0.7; f(b) = 0.5*2 + 1*-1 + -0.5*0.5 + 0 + 0.7.
    EXPECT_NEAR(a.output[0], 3.0 + 2.0 + 0.125 + 9.0 + 0.7, 1e-5);
    EXPECT_NEAR(a.baseline_output[2], 1.0 - 1.0 - 0.25 + 0.7, 1e-5);
    EXPECT_LT(a.max_abs_gap(), 1e-4);
  }
}

TEST(IntegratedGradients, QuadraticIsExactForTrapezoidAndMidpoint) {
  // d/dx_j of sum x^2 is linear along the path, so both rules integrate it exactly:
  // IG_j = (x_j - b_j) * (x_j + b_j) = x_j^2 - b_j^2.
  const Tensor x = sample_x(), b = sample_baseline();
  const std::vector<double> xv = x.to_vector<double>(), bv = b.to_vector<double>();
  std::vector<double> expected;
  for (size_t k = 0; k < xv.size(); ++k) expected.push_back(xv[k] * xv[k] - bv[k % 4] * bv[k % 4]);
  for (IntegrationRule rule : {IntegrationRule::trapezoid, IntegrationRule::midpoint}) {
    SCOPED_TRACE(to_string(rule));
    for (int64_t steps : {1, 3, 16}) {
      const Attributions a = integrated_gradients(sum_of_squares, x, b, {.steps = steps, .rule = rule});
      expect_matches(a, expected, 1e-4);
      EXPECT_LT(a.max_abs_gap(), 1e-4);
    }
  }
  // Left Riemann with one step uses only the baseline's gradient: (x - b) * 2b.
  const Attributions left =
      integrated_gradients(sum_of_squares, x, b, {.steps = 1, .rule = IntegrationRule::left_riemann});
  EXPECT_NEAR(left.values.at({0, 0}), (1.5 - 0.5) * 2 * 0.5, 1e-6);
  EXPECT_NEAR(left.values.at({2, 2}), (4.0 + 0.5) * 2 * -0.5, 1e-6);
}

TEST(IntegratedGradients, PerRowBaselineMatchesEachRowAlone) {
  const Tensor x = sample_x();
  const Tensor baselines = from_vector(std::vector<float>{0, 0, 0, 0, 1, 1, 1, 1, -2, 0.5f, 0, 3}, {3, 4});
  const Attributions all = integrated_gradients(sum_of_squares, x, baselines, {.steps = 4, .batch_size = 7});
  for (int64_t i = 0; i < 3; ++i) {
    const Attributions one =
        integrated_gradients(sum_of_squares, x.slice(0, i, i + 1), baselines.select(0, i).contiguous(), {.steps = 4});
    for (int64_t j = 0; j < 4; ++j) EXPECT_NEAR(all.values.at({i, j}), one.values.at({0, j}), 1e-6);
    EXPECT_NEAR(all.baseline_output[i], one.baseline_output[0], 1e-6);
  }
  // A shared baseline is the same as that baseline on every row.
  const Tensor b = sample_baseline();
  const Tensor tiled = from_vector(std::vector<float>{0.5f, 1, -0.5f, 0, 0.5f, 1, -0.5f, 0, 0.5f, 1, -0.5f, 0}, {3, 4});
  const Attributions shared = integrated_gradients(sum_of_squares, x, b, {.steps = 4});
  const Attributions per_row = integrated_gradients(sum_of_squares, x, tiled, {.steps = 4});
  expect_matches(shared, per_row.values.to_vector<double>(), 1e-7);
  EXPECT_EQ(shared.baseline_output, per_row.baseline_output);
}

TEST(IntegratedGradients, FunctionIgnoringItsInputGetsZeroAttributions) {
  const auto constant = [](const Tensor& x) { return full({x.size(0)}, 2.5); };
  const Attributions a = integrated_gradients(constant, sample_x(), sample_baseline());
  for (double v : a.values.to_vector<double>()) EXPECT_EQ(v, 0.0);
  EXPECT_EQ(a.max_abs_gap(), 0.0);
  // x = baseline: nothing moved, nothing attributed.
  const Attributions same = integrated_gradients(sum_of_squares, sample_baseline().unsqueeze(0), sample_baseline());
  for (double v : same.values.to_vector<double>()) EXPECT_EQ(v, 0.0);
}

TEST(IntegratedGradients, NoRowsGivesEmptyAttributions) {
  const Attributions a = integrated_gradients(sum_of_squares, zeros({0, 4}), sample_baseline());
  EXPECT_EQ(a.values.shape(), (Shape{0, 4}));
  EXPECT_TRUE(a.output.empty());
  EXPECT_TRUE(a.baseline_output.empty());
  EXPECT_EQ(a.max_abs_gap(), 0.0);
}

TEST(IntegratedGradients, CallersInputNeverReceivesGradient) {
  Tensor x = sample_x();
  x.set_requires_grad(true);
  integrated_gradients(sum_of_squares, x, sample_baseline(), {.steps = 2});
  EXPECT_FALSE(x.grad().defined());
}

TEST(IntegrationRuleNames, RoundTripAndUnknownNameListsChoices) {
  for (IntegrationRule rule : kAllRules) EXPECT_EQ(integration_rule_from_string(to_string(rule)), rule);
  try {
    integration_rule_from_string("simpson");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("simpson"), std::string::npos) << msg;
    for (const char* name : {"left", "right", "midpoint", "trapezoid"}) EXPECT_NE(msg.find(name), std::string::npos);
  }
}

using testing::expect_error;

TEST(IntegratedGradientsErrors, BadOptions) {
  expect_error<ValueError>([] { integrated_gradients(sum_of_squares, sample_x(), sample_baseline(), {.steps = 0}); },
                           {"steps", ">= 1", "0"});
  expect_error<ValueError>(
      [] { integrated_gradients(sum_of_squares, sample_x(), sample_baseline(), {.batch_size = -3}); },
      {"batch_size", "-3"});
  expect_error<ValueError>([] { integrated_gradients(nullptr, sample_x(), sample_baseline()); }, {"f is empty"});
}

TEST(IntegratedGradientsErrors, ShapesOfXAndBaseline) {
  expect_error<ShapeError>([] { integrated_gradients(sum_of_squares, zeros({4}), sample_baseline()); },
                           {"x must be (N, F)", "(4,)"});
  expect_error<ShapeError>([] { integrated_gradients(sum_of_squares, sample_x(), zeros({5})); },
                           {"baseline", "(5,)", "(3, 4)", "expected (4,)"});
  expect_error<ShapeError>(
      [] {
        integrated_gradients(sum_of_squares, sample_x(), zeros({2, 4}));
      },
      {"(2, 4)", "(3, 4)"});
  expect_error<DTypeError>(
      [] {
        integrated_gradients(sum_of_squares, from_vector(std::vector<int64_t>{1, 2}, {1, 2}), zeros({2}));
      },
      {"x", "floating"});
}

TEST(IntegratedGradientsErrors, NonFiniteInputs) {
  Tensor x = sample_x().clone();
  x.set({1, 2}, std::numeric_limits<double>::quiet_NaN());
  expect_error<ValueError>([&] { integrated_gradients(sum_of_squares, x, sample_baseline()); },
                           {"x", "non-finite", "row 1", "feature 2"});
  Tensor b = sample_baseline().clone();
  b.set({3}, std::numeric_limits<double>::infinity());
  expect_error<ValueError>([&] { integrated_gradients(sum_of_squares, sample_x(), b); },
                           {"baseline", "non-finite", "feature 3"});
}

TEST(IntegratedGradientsErrors, FunctionReturningWrongShapeOrNonFinite) {
  const auto two_outputs = [](const Tensor& x) { return matmul(x, ones({4, 2})); };
  expect_error<ShapeError>([&] { integrated_gradients(two_outputs, sample_x(), sample_baseline()); },
                           {"f returned shape (3, 2)", "batch of 3", "(3,) or (3, 1)"});
  const auto one_output = [](const Tensor&) { return zeros({1}); };
  expect_error<ShapeError>([&] { integrated_gradients(one_output, sample_x(), sample_baseline()); },
                           {"f returned shape (1,)", "batch of 3"});
  // log(x_0) is NaN at row 2 (x_0 = -3.5): reported as a non-finite output of that row.
  const auto log_first = [](const Tensor& x) { return log(x.select(1, 0)); };
  const Tensor positive_baseline = from_vector(std::vector<float>{1, 1, 1, 1}, {4});
  expect_error<ValueError>([&] { integrated_gradients(log_first, sample_x(), positive_baseline); },
                           {"f(x row", "not finite"});
}

TEST(IntegratedGradientsErrors, GradientRecordingOff) {
  NoGradGuard no_grad;
  expect_error<ValueError>([] { integrated_gradients(sum_of_squares, sample_x(), sample_baseline()); },
                           {"gradient recording is off", "NoGradGuard"});
}

}  // namespace
}  // namespace deepfin::explain
