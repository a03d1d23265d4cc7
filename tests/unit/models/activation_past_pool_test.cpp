// Sequential runs a relu that sits just before a max-pool after the pool instead
// (max(relu(x)) = relu(max(x))). The outputs and every gradient must be those of
// the layers run one by one in their written order, including windows whose
// values are all negative (relu's flat part) and ties. Other activations stay
// where they are written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "deepfin/autograd/node.h"
#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::same_bits;

struct Result {
  Tensor output, input_grad;
  std::vector<Tensor> weight_grads;
};

// The model's output for `x` and the gradients of sum(output * probe), either
// through Model::call or through each layer's call() in the written order.
Result run(Sequential& model, const Tensor& x_in, const Tensor& probe, bool layer_by_layer) {
  Tensor x = x_in.detach().clone();
  x.set_requires_grad(true);
  for (Tensor w : model.trainable_weights()) w.zero_grad();
  Tensor out = x;
  if (layer_by_layer) {
    for (const auto& layer : model.layers()) out = layer->call(out, /*training=*/true);
  } else {
    out = model.call(x, /*training=*/true);
  }
  sum(out * probe).backward();
  Result r{out.detach(), x.grad().clone(), {}};
  for (const Tensor& w : model.trainable_weights()) r.weight_grads.push_back(w.grad().clone());
  return r;
}

// Whether the graph behind `out` applies `activation` directly to a max-pool's output.
bool activation_after_pool(const Tensor& out, const std::string& activation) {
  std::vector<const Node*> stack{out.grad_fn().get()};
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (!node) continue;
    for (const auto& edge : node->next_edges()) {
      if (std::string(node->name()) == activation && edge.node && std::string(edge.node->name()) == "max_pool2d")
        return true;
      stack.push_back(edge.node.get());
    }
  }
  return false;
}

Sequential conv_pool_dense(const std::string& activation) {
  set_random_seed(4);
  return Sequential({layers::Conv2D(3, {2, 2}, {.activation = activation, .input_shape = {7, 7, 2}}),
                     layers::MaxPooling2D({2, 2}), layers::Flatten(), layers::Dense(2)});
}

TEST(ActivationPastPool, OnlyReluMoves) {
  const Tensor x = ones({1, 7, 7, 2});
  Sequential relu = conv_pool_dense("relu"), sigmoid = conv_pool_dense("sigmoid");
  EXPECT_TRUE(activation_after_pool(relu.call(x, /*training=*/true), "relu"));
  EXPECT_FALSE(activation_after_pool(sigmoid.call(x, /*training=*/true), "sigmoid"));
}

class ActivationPastPool : public ::testing::TestWithParam<std::string> {};

TEST_P(ActivationPastPool, GivesTheOutputsAndGradientsOfTheWrittenOrder) {
  Sequential model = conv_pool_dense(GetParam());
  // Few distinct values, half of them negative: windows with ties, and windows
  // where relu makes everything 0.
  Generator gen(8);
  std::vector<float> values(2 * 7 * 7 * 2);
  for (auto& v : values) v = static_cast<float>(static_cast<int>(gen.below(5)) - 3) * 0.5f;
  const Tensor x = from_vector(values, {2, 7, 7, 2});
  const Tensor probe = from_vector(std::vector<float>{1.0f, -2.0f, 0.5f, 3.0f}, {2, 2});

  const Result moved = run(model, x, probe, /*layer_by_layer=*/false);
  const Result written = run(model, x, probe, /*layer_by_layer=*/true);
  EXPECT_TRUE(same_bits(moved.output, written.output));
  EXPECT_TRUE(same_bits(moved.input_grad, written.input_grad));
  ASSERT_EQ(moved.weight_grads.size(), written.weight_grads.size());
  for (size_t i = 0; i < moved.weight_grads.size(); ++i)
    EXPECT_TRUE(same_bits(moved.weight_grads[i], written.weight_grads[i])) << "weight " << i;
}

INSTANTIATE_TEST_SUITE_P(MonotoneActivations, ActivationPastPool, ::testing::Values("relu", "sigmoid", "tanh"));

}  // namespace
}  // namespace deepfin
