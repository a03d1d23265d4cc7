// dropout_add / activation_dropout: hand-computed values, dropout statistics, the
// backward reusing the forward's decisions, seed and thread-count determinism,
// the optimized float32 epilogue kernels against the reference over a grid, and
// clear errors.
#include "deepfin/ops/fused_dropout.h"

#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/base/threads.h"
#include "deepfin/ops/dropout.h"
#include "kernels/cpu/opt/fused_dropout_opt.h"
#include "kernels/fused_dropout_slots.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using kernels::EpilogueActivation;
using testing::all_close;

TEST(FusedDropout, HandComputedWithoutDropout) {
  const Tensor x = from_vector(std::vector<double>{-1.0, 0.0, 1.0, 2.0}, {2, 2});
  const Tensor r = from_vector(std::vector<double>{10.0, 20.0, 30.0, 40.0}, {2, 2});
  EXPECT_EQ(dropout_add(x, r, 0.5, false).to_vector<double>(), (std::vector<double>{9.0, 20.0, 31.0, 42.0}));
  EXPECT_EQ(activation_dropout(x, "relu", 0.5, false).to_vector<double>(), (std::vector<double>{0.0, 0.0, 1.0, 2.0}));
  // gelu(x) = x Phi(x): Phi(-1) = 0.158655254, Phi(1) = 0.841344746, Phi(2) = 0.977249868.
  EXPECT_TRUE(all_close(activation_dropout(x, "gelu", 0.0, true),
                        from_vector(std::vector<double>{-0.158655254, 0.0, 0.841344746, 1.954499736}, {2, 2}), 1e-8,
                        0));
  // float32 through the optimized kernel.
  EXPECT_TRUE(all_close(activation_dropout(x.to(DType::float32), "gelu", 0.0, false),
                        from_vector(std::vector<double>{-0.158655254, 0.0, 0.841344746, 1.954499736}, {2, 2}), 1e-6,
                        0));
}

TEST(FusedDropout, KeepsAboutOneMinusRateAndScalesTheKept) {
  const int64_t n = 200000;
  const Tensor x = ones({n}, DType::float32);
  const Tensor r = full({n}, 5.0, DType::float32);
  for (double rate : {0.1, 0.5}) {
    const std::vector<float> y = dropout_add(x, r, rate, true).to_vector<float>();
    int64_t kept = 0;
    for (float v : y) {
      if (v != 5.0f) {
        ++kept;
        EXPECT_FLOAT_EQ(v, static_cast<float>(5.0 + 1.0 / (1.0 - rate)));
      }
    }
    // Binomial(n, 1 - rate): within 5 standard deviations.
    const double expected = n * (1.0 - rate), sd = std::sqrt(n * rate * (1.0 - rate));
    EXPECT_NEAR(static_cast<double>(kept), expected, 5 * sd) << rate;
  }
}

TEST(FusedDropout, BackwardReusesTheForwardDecisions) {
  Generator gen(3);
  const Tensor x = testing::random_double({40, 50}, gen, 0.5, 1.5).to(DType::float32).set_requires_grad(true);
  const Tensor r = zeros({40, 50}, DType::float32).set_requires_grad(true);
  const Tensor y = dropout_add(x, r, 0.3, true);
  y.backward(full({40, 50}, 2.0, DType::float32));
  const std::vector<float> out = y.to_vector<float>(), xs = x.to_vector<float>(), gx = x.grad().to_vector<float>();
  const float scale = static_cast<float>(1.0 / 0.7);
  for (size_t i = 0; i < out.size(); ++i) {
    const bool kept = out[i] != 0.0f;
    EXPECT_FLOAT_EQ(out[i], kept ? xs[i] * scale : 0.0f);
    EXPECT_FLOAT_EQ(gx[i], kept ? 2.0f * scale : 0.0f) << i;
  }
  EXPECT_EQ(r.grad().to_vector<float>(), std::vector<float>(2000, 2.0f));
}

TEST(FusedDropout, SameSeedSameMaskWhateverTheThreadCount) {
  const int before = get_num_threads();
  const Tensor x = ones({300, 256}, DType::float32);
  std::vector<std::vector<float>> runs;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Generator gen(11);
    runs.push_back(activation_dropout(x, "relu", 0.4, true, &gen).to_vector<float>());
  }
  set_num_threads(before);
  EXPECT_EQ(runs[0], runs[1]);
  Generator other(12);
  EXPECT_NE(activation_dropout(x, "relu", 0.4, true, &other).to_vector<float>(), runs[0]);
}

TEST(FusedDropout, OptimizedKernelsMatchReference) {
  const auto& fwd = kernels::epilogue_forward_slot<float>();
  const auto& bwd = kernels::epilogue_backward_slot<float>();
  ASSERT_TRUE(fwd.has_optimized());
  ASSERT_TRUE(bwd.has_optimized());
  Generator gen(5);
  for (int64_t n : {1, 7, 8191, 8192, 8193, 40000}) {
    const std::vector<float> x = testing::random_double({n}, gen, -4.0, 4.0).to(DType::float32).to_vector<float>();
    const std::vector<float> res = testing::random_double({n}, gen).to(DType::float32).to_vector<float>();
    for (auto act : {EpilogueActivation::identity, EpilogueActivation::relu, EpilogueActivation::gelu})
      for (double rate : {0.0, 0.25})
        for (bool with_residual : {false, true}) {
          const auto drop = kernels::EpilogueDropout::make(0x1234567890abcdefULL + n, rate);
          std::vector<float> want(n), got(n), dwant(n), dgot(n);
          kernels::EpilogueForward<float> f{.n = n,
                                            .x = x.data(),
                                            .residual = with_residual ? res.data() : nullptr,
                                            .out = want.data(),
                                            .activation = act,
                                            .dropout = drop};
          fwd.reference()(f);
          f.out = got.data();
          fwd.optimized()(f);
          kernels::EpilogueBackward<float> b{
              .n = n, .x = x.data(), .dy = res.data(), .dx = dwant.data(), .activation = act, .dropout = drop};
          bwd.reference()(b);
          b.dx = dgot.data();
          bwd.optimized()(b);
          for (int64_t i = 0; i < n; ++i) {
            ASSERT_NEAR(got[i], want[i], 2e-6 * (1 + std::fabs(want[i]))) << "n " << n << " i " << i;
            ASSERT_NEAR(dgot[i], dwant[i], 2e-6 * (1 + std::fabs(dwant[i]))) << "n " << n << " i " << i;
            // The same dropout decisions: zero exactly where the reference is.
            ASSERT_EQ(dgot[i] == 0.0f, dwant[i] == 0.0f) << "n " << n << " i " << i;
          }
        }
  }
}

TEST(FusedDropout, ErfApproximationIsFloatAccurate) {
  double worst = 0.0;
  for (double v = -6.0; v <= 6.0; v += 1.0 / 1024)
    worst = std::max(worst, std::fabs(kernels::opt::erf_approx(static_cast<float>(v)) -
                                      std::erf(static_cast<double>(static_cast<float>(v)))));
  EXPECT_LT(worst, 5e-7);  // A&S 7.1.26 is within 1.5e-7; float rounding adds the rest
}

TEST(FusedDropout, ClearErrors) {
  const Tensor x = zeros({2, 3});
  try {
    dropout_add(x, zeros({3, 2}), 0.1, true);
    FAIL() << "no ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "dropout_add: x (2, 3) and residual (3, 2) must have the same shape");
  }
  EXPECT_THROW(dropout_add(x, zeros({2, 3}, DType::float64), 0.1, true), DTypeError);
  EXPECT_THROW(dropout_add(x, x, 1.0, true), ValueError);
  try {
    activation_dropout(x, "swish", 0.1, true);
    FAIL() << "no ValueError";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "activation_dropout: activation must be \"gelu\", \"relu\" or \"linear\", got \"swish\"");
  }
  EXPECT_THROW(activation_dropout(x, "gelu", -0.1, true), ValueError);
}

}  // namespace
}  // namespace deepfin
