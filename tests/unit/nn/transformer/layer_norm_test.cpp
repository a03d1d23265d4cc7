// The fused layer_norm op: hand-computed values, the optimized float32 kernels
// against the reference over a grid of shapes, the op against the composed
// mean/var implementation LayerNormalization used before, and clear errors.
#include <gtest/gtest.h>

#include "deepfin/autograd/node.h"
#include "deepfin/core/random.h"
#include "deepfin/nn/layers.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/normalization.h"
#include "deepfin/ops/reductions.h"
#include "kernels/norm_slots.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;

// The previous LayerNormalization::forward, built from primitive ops.
Tensor composed_layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double epsilon) {
  const Tensor mu = mean(x, {-1}, true);
  const Tensor variance = var(x, {-1}, true);
  return (x - mu) / sqrt(variance + epsilon) * gamma + beta;
}

TEST(LayerNorm, HandComputedRow) {
  // Row (1, 2, 3, 6): mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5.
  const Tensor x = from_vector(std::vector<double>{1, 2, 3, 6}, {1, 4});
  const Tensor y = layer_norm(x, {}, {}, 0.5);  // sqrt(3.5 + 0.5) = 2
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{-1.0, -0.5, 0.0, 1.5}));
  const Tensor gamma = from_vector(std::vector<double>{2, 2, 2, 2}, {4});
  const Tensor beta = from_vector(std::vector<double>{1, 0, 0, 0}, {4});
  EXPECT_EQ(layer_norm(x, gamma, beta, 0.5).to_vector<double>(), (std::vector<double>{-1.0, -1.0, 0.0, 3.0}));
}

TEST(LayerNorm, BackwardByHand) {
  // With dy = 1 everywhere, dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) = 0 since
  // mean(xhat) = 0; dbeta = column sums of dy; dgamma = column sums of xhat.
  const Tensor x = from_vector(std::vector<double>{1, 2, 3, 6, 0, 0, 1, 1}, {2, 4}).set_requires_grad(true);
  Tensor gamma = ones({4}, DType::float64).set_requires_grad(true);
  Tensor beta = zeros({4}, DType::float64).set_requires_grad(true);
  layer_norm(x, gamma, beta, 0.5).backward(ones({2, 4}, DType::float64));
  EXPECT_TRUE(all_close(x.grad(), zeros({2, 4}, DType::float64), 1e-12, 0));
  EXPECT_EQ(beta.grad().to_vector<double>(), (std::vector<double>{2, 2, 2, 2}));
  // Row 2 (0, 0, 1, 1): mean 0.5, var 0.25, rstd 1 / sqrt(0.75).
  const double r = 1.0 / std::sqrt(0.75);
  EXPECT_TRUE(all_close(gamma.grad(),
                        from_vector(std::vector<double>{-1.0 - 0.5 * r, -0.5 - 0.5 * r, 0.5 * r, 1.5 + 0.5 * r}, {4}),
                        1e-12, 1e-12));
}

TEST(LayerNorm, OptimizedKernelsMatchReference) {
  const auto& fwd = kernels::layer_norm_forward_slot<float>();
  const auto& bwd = kernels::layer_norm_backward_slot<float>();
  ASSERT_TRUE(fwd.has_optimized() && bwd.has_optimized());
  Generator gen(7);
  for (int64_t rows : {1, 3, 31, 33, 200})
    for (int64_t cols : {1, 2, 7, 16, 64, 257})
      for (bool affine : {true, false}) {
        SCOPED_TRACE(::testing::Message() << rows << "x" << cols << " affine " << affine);
        auto random = [&](int64_t n, double lo, double hi) {
          std::vector<float> v(static_cast<size_t>(n));
          for (float& e : v) e = static_cast<float>(gen.uniform(lo, hi));
          return v;
        };
        const std::vector<float> x = random(rows * cols, -3, 5), gamma = random(cols, 0.5, 1.5),
                                 beta = random(cols, -1, 1), dy = random(rows * cols, -1, 1);
        const float* g = affine ? gamma.data() : nullptr;
        const float* b = affine ? beta.data() : nullptr;
        std::vector<float> y_ref(x.size()), y_opt(x.size()), mean_ref(rows), mean_opt(rows), rstd_ref(rows),
            rstd_opt(rows);
        fwd.reference()(rows, cols, x.data(), g, b, 1e-5, y_ref.data(), mean_ref.data(), rstd_ref.data());
        fwd.optimized()(rows, cols, x.data(), g, b, 1e-5, y_opt.data(), mean_opt.data(), rstd_opt.data());
        const Shape shape = {rows, cols};
        EXPECT_TRUE(all_close(from_vector(y_opt, shape), from_vector(y_ref, shape), 1e-4, 1e-4));
        EXPECT_TRUE(all_close(from_vector(rstd_opt, {rows}), from_vector(rstd_ref, {rows}), 1e-4, 1e-4));
        std::vector<float> dx_ref(x.size()), dx_opt(x.size()), dg_ref(cols), dg_opt(cols), db_ref(cols), db_opt(cols);
        bwd.reference()(rows, cols, x.data(), g, mean_ref.data(), rstd_ref.data(), dy.data(), dx_ref.data(),
                        dg_ref.data(), db_ref.data());
        bwd.optimized()(rows, cols, x.data(), g, mean_ref.data(), rstd_ref.data(), dy.data(), dx_opt.data(),
                        dg_opt.data(), db_opt.data());
        EXPECT_TRUE(all_close(from_vector(dx_opt, shape), from_vector(dx_ref, shape), 1e-4, 1e-3));
        EXPECT_TRUE(all_close(from_vector(dg_opt, {cols}), from_vector(dg_ref, {cols}), 1e-3, 1e-4));
        EXPECT_TRUE(all_close(from_vector(db_opt, {cols}), from_vector(db_ref, {cols}), 1e-3, 1e-4));
      }
}

TEST(LayerNorm, MatchesComposedImplementationForwardAndBackward) {
  for (DType dtype : {DType::float64, DType::float32}) {
    set_random_seed(3);
    const Tensor x0 = randn({4, 5, 24}, dtype, 2.0, 3.0);
    const Tensor g0 = rand_uniform({24}, 0.5, 1.5, dtype), b0 = rand_uniform({24}, -1, 1, dtype);
    const Tensor r = randn({4, 5, 24}, dtype);
    std::vector<Tensor> grads[2];
    Tensor outs[2];
    for (int fused = 0; fused < 2; ++fused) {
      Tensor x = x0.detach().clone().set_requires_grad(true), g = g0.detach().clone().set_requires_grad(true),
             b = b0.detach().clone().set_requires_grad(true);
      outs[fused] = fused ? layer_norm(x, g, b, 1e-3) : composed_layer_norm(x, g, b, 1e-3);
      sum(outs[fused] * r).backward();
      grads[fused] = {x.grad(), g.grad(), b.grad()};
    }
    const double tol = dtype == DType::float64 ? 1e-10 : 1e-4;
    EXPECT_TRUE(all_close(outs[1], outs[0], tol, tol));
    for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(all_close(grads[1][i], grads[0][i], tol, 10 * tol)) << i;
  }
}

TEST(LayerNorm, LayerNormalizationLayerUsesTheFusedOp) {
  set_random_seed(4);
  auto layer = layers::LayerNormalization({.epsilon = 1e-3, .dtype = DType::float64});
  const Tensor x = randn({3, 4, 6}, DType::float64, 1.0, 2.0);
  layer->build({4, 6});
  nn::assign_values(layer->weights()[0].value, rand_uniform({6}, 0.5, 1.5, DType::float64));
  nn::assign_values(layer->weights()[1].value, rand_uniform({6}, -1, 1, DType::float64));
  const Tensor y = layer->call(x.detach().clone().set_requires_grad(true));
  ASSERT_TRUE(y.grad_fn() != nullptr);
  EXPECT_STREQ(y.grad_fn()->name(), "layer_norm");
  EXPECT_TRUE(all_close(y, composed_layer_norm(x, layer->weight("gamma"), layer->weight("beta"), 1e-3), 1e-12, 1e-10));
}

TEST(LayerNorm, ClearErrors) {
  const Tensor x = zeros({2, 3});
  EXPECT_THROW(
      {
        try {
          layer_norm(x, ones({4}));
        } catch (const ShapeError& e) {
          EXPECT_NE(std::string(e.what()).find("layer_norm: gamma must have shape (3,)"), std::string::npos)
              << e.what();
          EXPECT_NE(std::string(e.what()).find("(2, 3)"), std::string::npos) << e.what();
          throw;
        }
      },
      ShapeError);
  EXPECT_THROW(layer_norm(x, {}, ones({3}, DType::float64)), DTypeError);
  EXPECT_THROW(layer_norm(x, {}, {}, 0.0), ValueError);
  EXPECT_THROW(layer_norm(scalar_tensor(1.0)), ShapeError);
  EXPECT_THROW(layer_norm(zeros({2, 3}, DType::int64)), DTypeError);
}

}  // namespace
}  // namespace deepfin
