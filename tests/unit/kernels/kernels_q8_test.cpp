// The int8 (Q8_0) matrix product: the optimized kernel against the reference over
// a grid of shapes (ragged last blocks, one row and several), and the quantizer's
// error bound and round trip through q8_linear.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "deepfin/ops/linalg.h"
#include "deepfin/ops/quantized_linear.h"
#include "kernels/cpu/opt/q8_opt.h"
#include "kernels/cpu/ref/q8_ref.h"
#include "kernels/quant_slots.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

TEST(KernelsQ8, OptimizedMatchesReference) {
  std::mt19937 gen(8);
  std::uniform_int_distribution<int> q(-127, 127);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const auto& [rows, out, in_used] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {1, 1, 1}, {1, 7, 32}, {1, 33, 45}, {3, 16, 64}, {5, 300, 97}, {1, 2048, 768}}) {
    const int64_t in = (in_used + 31) / 32 * 32, blocks = in / 32;
    std::vector<int8_t> values(static_cast<size_t>(out * in), 0);
    for (int64_t o = 0; o < out; ++o)
      for (int64_t i = 0; i < in_used; ++i) values[static_cast<size_t>(o * in + i)] = static_cast<int8_t>(q(gen));
    std::vector<float> scales(static_cast<size_t>(out * blocks)), x(static_cast<size_t>(rows * in_used));
    for (float& s : scales) s = std::fabs(normal(gen)) * 0.01f;
    for (float& v : x) v = normal(gen);
    std::vector<float> expected(static_cast<size_t>(rows * out)), actual(expected.size());
    kernels::ref::q8_matmul(rows, out, in, in_used, x.data(), values.data(), scales.data(), expected.data());
    kernels::opt::q8_matmul(rows, out, in, in_used, x.data(), values.data(), scales.data(), actual.data());
    // The optimized kernel may round x to int8 per block (step amax / 127): each block then
    // errs by at most half a step times the block's sum of |w|.
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t o = 0; o < out; ++o) {
        double bound = 0;
        for (int64_t b = 0; b < blocks; ++b) {
          double amax = 0, wsum = 0;
          for (int64_t i = b * 32; i < std::min(in_used, b * 32 + 32); ++i) {
            amax = std::max(amax, std::fabs(static_cast<double>(x[static_cast<size_t>(r * in_used + i)])));
            wsum += std::fabs(values[static_cast<size_t>(o * in + i)] * scales[static_cast<size_t>(o * blocks + b)]);
          }
          bound += wsum * amax / 127.0 / 2.0;
        }
        const size_t at = static_cast<size_t>(r * out + o);
        ASSERT_NEAR(actual[at], expected[at], bound * 1.001 + 1e-4 * (1.0 + std::fabs(expected[at])))
            << rows << "x" << out << "x" << in_used;
      }
  }
  EXPECT_STREQ(kernels::q8_matmul_slot<float>().name(), "q8_matmul");
  EXPECT_TRUE(kernels::q8_matmul_slot<float>().has_optimized());
}

// Each weight is within half a step (max|w| of its block / 127 / 2) of its value, and
// q8_linear equals the float product with the dequantized weights.
TEST(KernelsQ8, QuantizerErrorBoundAndLinear) {
  Generator gen(9);
  const Tensor kernel = testing::random_double({45, 20}, gen, -2, 2).to(DType::float32);
  const Q8Weight w = Q8Weight::quantize(kernel);
  EXPECT_EQ(w.in(), 45);
  EXPECT_EQ(w.out(), 20);
  EXPECT_EQ(w.padded_in(), 64);
  EXPECT_EQ(w.bytes(), 20 * 64 + 20 * 2 * 4);
  const auto k = kernel.to_vector<float>(), d = w.dequantize().to_vector<float>();
  for (int64_t o = 0; o < 20; ++o)
    for (int64_t b = 0; b < 2; ++b) {
      float amax = 0;
      for (int64_t i = b * 32; i < std::min<int64_t>(45, b * 32 + 32); ++i)
        amax = std::max(amax, std::fabs(k[i * 20 + o]));
      for (int64_t i = b * 32; i < std::min<int64_t>(45, b * 32 + 32); ++i)
        EXPECT_LE(std::fabs(d[i * 20 + o] - k[i * 20 + o]), amax / 127.0f / 2.0f * 1.0001f);
    }
  const Tensor x = testing::random_double({3, 2, 45}, gen).to(DType::float32);
  const Tensor bias = testing::random_double({20}, gen).to(DType::float32);
  // Against the float product with the dequantized weights: the activations' rounding
  // (at most half of max|x| / 127 per value, x in [-1, 1)) times the sum of |w| (45 x 2) bounds it.
  EXPECT_TRUE(testing::all_close(q8_linear(x, w, bias), linear(x, w.dequantize(), bias), 45 * 2 / 127.0 / 2, 1e-5));
  EXPECT_TRUE(testing::all_close(q8_linear(x, w, bias), linear(x, kernel, bias), 0.1, 0.02));
  // A tied embedding (out, in) quantizes the same as its transpose.
  const Q8Weight t = Q8Weight::quantize(kernel.transpose(0, 1).contiguous(), /*out_by_in=*/true);
  EXPECT_TRUE(testing::all_close(t.dequantize(), w.dequantize(), 0, 0));
  EXPECT_THROW(q8_linear(testing::random_double({2, 44}, gen).to(DType::float32), w), ShapeError);
  EXPECT_THROW(q8_linear(testing::random_double({2, 45}, gen), w), DTypeError);
  EXPECT_THROW(Q8Weight::quantize(zeros({3})), ShapeError);
}

}  // namespace
}  // namespace deepfin
