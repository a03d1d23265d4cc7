// Float64 gradient checks for the activations and (log-)softmax over several
// shapes, axes and strided inputs.
#include <functional>
#include <string>

#include "deepfin/ops/activations.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

struct ActivationCase {
  std::string name;
  std::function<Tensor(const Tensor&)> fn;
  double low, high;
};

std::vector<ActivationCase> cases() {
  return {
      {"relu", [](const Tensor& x) { return relu(x); }, -1, 1},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x); }, -1, 1},
      {"leaky_relu_0.1", [](const Tensor& x) { return leaky_relu(x, 0.1); }, -1, 1},
      {"elu", [](const Tensor& x) { return elu(x); }, -2, 2},
      {"elu_0.5", [](const Tensor& x) { return elu(x, 0.5); }, -2, 2},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, -4, 4},
      {"sigmoid_far", [](const Tensor& x) { return sigmoid(x); }, -30, 30},
      {"tanh", [](const Tensor& x) { return tanh(x); }, -2, 2},
      {"gelu", [](const Tensor& x) { return gelu(x); }, -3, 3},
      {"gelu_tanh", [](const Tensor& x) { return gelu(x, true); }, -3, 3},
      {"softplus", [](const Tensor& x) { return softplus(x); }, -3, 3},
      {"softplus_far", [](const Tensor& x) { return softplus(x); }, -40, 40},
      {"softmax_last", [](const Tensor& x) { return softmax(x); }, -2, 2},
      {"softmax_axis0", [](const Tensor& x) { return softmax(x, 0); }, -2, 2},
      {"log_softmax_last", [](const Tensor& x) { return log_softmax(x); }, -2, 2},
      {"log_softmax_axis0", [](const Tensor& x) { return log_softmax(x, 0); }, -2, 2},
  };
}

TEST(GradcheckActivations, EveryActivationOverShapes) {
  Generator gen(21);
  for (const auto& c : cases()) {
    for (const Shape& s : std::vector<Shape>{{5}, {3, 4}, {2, 3, 2}}) {
      Tensor x = random_double(s, gen, c.low, c.high);
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0]); }, {x}))
          << c.name << " " << shape_str(s);
    }
  }
}

TEST(GradcheckActivations, StridedInputs) {
  Generator gen(22);
  for (const auto& c : cases()) {
    Tensor transposed = random_double({4, 3}, gen, c.low, c.high).transpose(0, 1);
    Tensor stepped = random_double({6, 3}, gen, c.low, c.high).slice(0, 1, 6, 2);
    EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0]); }, {transposed})) << c.name;
    EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0]); }, {stepped})) << c.name;
  }
}

TEST(GradcheckActivations, SoftmaxMiddleAxis) {
  Generator gen(23);
  Tensor x = random_double({2, 3, 4}, gen, -2, 2);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return softmax(in[0], 1); }, {x}));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return log_softmax(in[0], -2); }, {x}));
}

}  // namespace
}  // namespace deepfin
