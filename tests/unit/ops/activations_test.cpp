// Activation and softmax values against hand-computed cases, stability at
// extreme inputs, and error messages.
#include "deepfin/ops/activations.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

Tensor vec(std::vector<double> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return from_vector(v, {n});
}

TEST(Activations, SoftmaxOfZeroAndLn2IsOneThirdTwoThirds) {
  Tensor x = vec({0.0, std::log(2.0)});
  EXPECT_TRUE(all_close(softmax(x), vec({1.0 / 3, 2.0 / 3}), 1e-12, 0));
  EXPECT_TRUE(all_close(log_softmax(x), vec({std::log(1.0 / 3), std::log(2.0 / 3)}), 1e-12, 0));
  // float32, and shifted by 1000: still stable (float spacing at 1000 is 6e-5, hence the tolerance).
  Tensor big = vec({1000.0, 1000.0 + std::log(2.0)}).to(DType::float32);
  EXPECT_TRUE(all_close(softmax(big), vec({1.0 / 3, 2.0 / 3}).to(DType::float32), 1e-4, 0));
  EXPECT_TRUE(all_close(log_softmax(-big), vec({std::log(2.0 / 3), std::log(1.0 / 3)}).to(DType::float32), 1e-4, 0));
}

TEST(Activations, SoftmaxOverFirstAxisNormalizesColumns) {
  Tensor x = from_vector(std::vector<double>{0, 1, 2, std::log(3.0), 1, 0}, {2, 3});
  Tensor y = softmax(x, 0);
  EXPECT_NEAR(y.at({0, 0}), 0.25, 1e-12);
  EXPECT_NEAR(y.at({1, 0}), 0.75, 1e-12);
  EXPECT_NEAR(y.at({0, 1}), 0.5, 1e-12);
  EXPECT_NEAR(y.at({0, 2}), 1.0 / (1.0 + std::exp(-2.0)), 1e-12);
  EXPECT_TRUE(all_close(sum(y, {0}), ones({3}, DType::float64), 1e-12, 0));
}

TEST(Activations, SoftmaxFloat32LargeMatchesFloat64) {
  Generator gen(3);
  Tensor x = testing::random_double({64, 1000}, gen, -10, 10);
  EXPECT_TRUE(all_close(softmax(x.to(DType::float32)).to(DType::float64), softmax(x), 1e-7, 1e-4));
  EXPECT_TRUE(all_close(log_softmax(x.to(DType::float32), 0).to(DType::float64), log_softmax(x, 0), 1e-4, 1e-5));
}

TEST(Activations, PointwiseHandCases) {
  Tensor x = vec({-2, 0, 3});
  EXPECT_EQ(relu(x).to_vector<double>(), (std::vector<double>{0, 0, 3}));
  EXPECT_TRUE(all_close(leaky_relu(x), vec({-0.6, 0, 3}), 1e-12, 0));  // Keras default slope 0.3
  EXPECT_TRUE(all_close(leaky_relu(x, 0.01), vec({-0.02, 0, 3}), 1e-12, 0));
  EXPECT_TRUE(all_close(elu(x), vec({std::exp(-2.0) - 1, 0, 3}), 1e-12, 0));
  EXPECT_TRUE(all_close(sigmoid(vec({0})), vec({0.5}), 1e-15, 0));
  EXPECT_TRUE(all_close(tanh(vec({0.5})), vec({(std::exp(1.0) - 1) / (std::exp(1.0) + 1)}), 1e-15, 0));
  EXPECT_TRUE(all_close(softplus(vec({0})), vec({std::log(2.0)}), 1e-15, 0));
}

TEST(Activations, GeluExactAndTanhForms) {
  // Phi(1) = 0.841344746068543 (normal CDF table); PyTorch's tanh-form gelu(1) = 0.8411919906.
  EXPECT_NEAR(gelu(vec({1.0})).item(), 0.841344746068543, 1e-12);
  EXPECT_NEAR(gelu(vec({1.0}), true).item(), 0.8411919906082768, 1e-9);
  EXPECT_NEAR(gelu(vec({-1.0})).item(), -(1 - 0.841344746068543), 1e-12);
  EXPECT_DOUBLE_EQ(gelu(vec({0.0})).item(), 0.0);
}

TEST(Activations, StableAtExtremeInputs) {
  Tensor x = vec({-1000, -100, 100, 1000}).to(DType::float32);
  for (const Tensor& y : {sigmoid(x), softplus(x), tanh(x), elu(x), gelu(x), gelu(x, true)})
    for (float v : y.to_vector<float>()) EXPECT_TRUE(std::isfinite(v));
  auto sp = softplus(x).to_vector<float>();
  EXPECT_FLOAT_EQ(sp[3], 1000.0f);
  EXPECT_FLOAT_EQ(sp[2], 100.0f);
  EXPECT_GE(sp[0], 0.0f);
  auto sg = sigmoid(x).to_vector<float>();
  EXPECT_EQ(sg[0], 0.0f);
  EXPECT_EQ(sg[3], 1.0f);
}

TEST(Activations, ReluGradientIsZeroAtZero) {
  Tensor x = vec({-1, 0, 1}).set_requires_grad();
  sum(relu(x)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 1}));
}

TEST(Activations, BadInputsNameTheOp) {
  Tensor ints = zeros({2, 3}, DType::int64);
  for (auto [name, fn] : std::vector<std::pair<std::string, std::function<Tensor()>>>{
           {"relu", [&] { return relu(ints); }},
           {"sigmoid", [&] { return sigmoid(ints); }},
           {"gelu", [&] { return gelu(ints); }},
           {"softmax", [&] { return softmax(ints); }},
           {"log_softmax", [&] { return log_softmax(ints); }}}) {
    try {
      fn();
      ADD_FAILURE() << name << " accepted int64";
    } catch (const DTypeError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
  try {
    softmax(zeros({2, 3}), 2);
    ADD_FAILURE() << "softmax accepted axis 2 of a 2-d tensor";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("softmax"), std::string::npos) << e.what();
  }
  EXPECT_THROW(log_softmax(zeros({2, 3}), -3), IndexError);
}

}  // namespace
}  // namespace deepfin
