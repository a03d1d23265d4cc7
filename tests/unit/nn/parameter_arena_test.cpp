// The parameter arena: weights move into one block, gradients accumulate into another.
#include "deepfin/nn/parameter_arena.h"

#include <gtest/gtest.h>

#include "deepfin/nn/layers.h"
#include "deepfin/ops/reductions.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

TEST(ParameterArena, BindKeepsValuesAndMakesWeightsViewsOfOneBlock) {
  set_random_seed(1);
  auto d1 = layers::Dense(3, {.bias_initializer = "random_normal"});
  auto d2 = layers::Dense(2);
  d1->build({4});
  d2->build({3});
  std::vector<Tensor> weights = d1->trainable_weights();
  for (const Tensor& w : d2->trainable_weights()) weights.push_back(w);
  std::vector<std::vector<float>> before;
  for (const Tensor& w : weights) before.push_back(w.to_vector<float>());

  nn::ParameterArena arena;
  arena.bind(weights);
  ASSERT_EQ(arena.size(), 12 + 3 + 6 + 2);
  EXPECT_EQ(arena.sizes(), (std::vector<int64_t>{12, 3, 6, 2}));
  const float* block = arena.params<float>();
  int64_t offset = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    EXPECT_EQ(weights[i].to_vector<float>(), before[i]);
    EXPECT_EQ(weights[i].data<float>(), block + offset);  // the layer's own handle now points into the arena
    EXPECT_EQ(weights[i].grad().data<float>(), arena.grads<float>() + offset);
    offset += weights[i].numel();
  }
  // Writing the arena is writing the weights.
  arena.params<float>()[0] = 42.f;
  EXPECT_EQ(d1->weight("kernel").at({0, 0}), 42.0);
  EXPECT_THROW(arena.params<double>(), DTypeError);
}

TEST(ParameterArena, BackwardAccumulatesIntoTheGradientArena) {
  auto dense = layers::Dense(2, {.bias_initializer = "ones"});
  dense->build({3});
  nn::ParameterArena arena;
  arena.bind(dense->trainable_weights());
  Tensor x = ones({4, 3});
  sum(dense->call(x)).backward();
  // d(sum(xW + b))/db = batch size, /dW = column sums of x.
  const float* g = arena.grads<float>();
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(g[i], 4.f);
  EXPECT_FLOAT_EQ(g[6], 4.f);
  EXPECT_FLOAT_EQ(g[7], 4.f);
  sum(dense->call(x)).backward();  // accumulates, like any leaf .grad
  EXPECT_FLOAT_EQ(g[7], 8.f);
  arena.zero_grads();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(g[i], 0.f);
  sum(dense->call(x)).backward();
  EXPECT_FLOAT_EQ(g[7], 4.f);
}

TEST(ParameterArena, MixedDTypesAreRejected) {
  auto a = layers::Dense(2);
  auto b = layers::Dense(2, {.dtype = DType::float64});
  a->build({2});
  b->build({2});
  std::vector<Tensor> weights = a->trainable_weights();
  weights.push_back(b->weight("kernel"));
  nn::ParameterArena arena;
  EXPECT_THROW_WITH(arena.bind(weights), DTypeError, "float64");
}

}  // namespace
}  // namespace deepfin

namespace deepfin {
namespace {

TEST(ParameterArena, ZeroGradsReattachesAGradientTheUserDropped) {
  auto dense = layers::Dense(2);
  dense->build({3});
  nn::ParameterArena arena;
  arena.bind(dense->trainable_weights());
  Tensor kernel = dense->weight("kernel");
  kernel.zero_grad();  // PyTorch habit: drops the handle to the arena's view
  EXPECT_FALSE(kernel.grad().defined());
  arena.zero_grads();
  ASSERT_TRUE(kernel.grad().defined());
  EXPECT_EQ(kernel.grad().data<float>(), arena.grads<float>());
  sum(dense->call(ones({4, 3}))).backward();
  EXPECT_FLOAT_EQ(arena.grads<float>()[0], 4.f);  // the optimizer sees the gradient
}

}  // namespace
}  // namespace deepfin
