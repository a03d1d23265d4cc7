// The optimized conv2d kernels (im2col + GEMM) against the reference loops over
// a grid of geometries: odd sizes, size 1, strides, dilation, valid/same padding.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "deepfin/ops/conv.h"
#include "kernels/conv_slots.h"
#include "kernels_test_util.h"

namespace deepfin::kernels {
namespace {

template <class T>
std::vector<T> random_vector(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

using testing::close;

std::vector<Conv2dGeometry> conv_geometries() {
  std::vector<Conv2dGeometry> out;
  for (int64_t batch : {1, 2})
    for (int64_t hw : {1, 5, 8})
      for (int64_t cin : {1, 3})
        for (int64_t cout : {1, 4})
          for (int64_t k : {1, 3})
            for (int64_t s : {1, 2})
              for (int64_t d : {1, 2})
                for (Padding p : {Padding::valid, Padding::same}) {
                  Conv2dGeometry g{};
                  g.batch = batch, g.in_h = hw, g.in_w = hw + 2, g.in_c = cin;
                  g.k_h = k, g.k_w = k == 1 ? 2 : k, g.out_c = cout;
                  g.stride_h = s, g.stride_w = 1, g.dil_h = d, g.dil_w = 1;
                  g.out_h = conv_output_size(g.in_h, g.k_h, g.stride_h, g.dil_h, p);
                  g.out_w = conv_output_size(g.in_w, g.k_w, g.stride_w, g.dil_w, p);
                  g.pad_top = conv_pad_before(g.in_h, g.k_h, g.stride_h, g.dil_h, p);
                  g.pad_left = conv_pad_before(g.in_w, g.k_w, g.stride_w, g.dil_w, p);
                  if (g.out_h > 0 && g.out_w > 0) out.push_back(g);
                }
  // A pointwise case (no im2col), the seed CNN's first layer, and the other
  // one-channel im2col fast paths (5 wide; 2 tall and 3 wide).
  out.push_back({2, 4, 3, 5, 1, 1, 6, 4, 3, 1, 1, 1, 1, 0, 0});
  out.push_back({4, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0});
  out.push_back({2, 9, 11, 1, 5, 5, 3, 5, 7, 1, 1, 1, 1, 0, 0});
  out.push_back({2, 6, 7, 1, 2, 3, 2, 5, 5, 1, 1, 1, 1, 0, 0});
  return out;
}

std::string describe(const Conv2dGeometry& g) {
  return "batch=" + std::to_string(g.batch) + " in=" + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) + "x" +
         std::to_string(g.in_c) + " k=" + std::to_string(g.k_h) + "x" + std::to_string(g.k_w) + "x" +
         std::to_string(g.out_c) + " s=" + std::to_string(g.stride_h) + " d=" + std::to_string(g.dil_h) +
         " pad=" + std::to_string(g.pad_top) + "," + std::to_string(g.pad_left);
}

template <class T>
void compare_all_conv(double tol) {
  std::mt19937 rng(42);
  const auto& fwd = conv2d_forward_slot<T>();
  const auto& bin = conv2d_backward_input_slot<T>();
  const auto& bw = conv2d_backward_weight_slot<T>();
  ASSERT_TRUE(fwd.has_optimized() && bin.has_optimized() && bw.has_optimized());
  for (const Conv2dGeometry& g : conv_geometries()) {
    const std::string what = describe(g);
    const int64_t nx = g.batch * g.in_h * g.in_w * g.in_c, nw = g.patch_size() * g.out_c;
    const int64_t ny = g.out_pixels() * g.out_c;
    const auto x = random_vector<T>(nx, rng), w = random_vector<T>(nw, rng), bias = random_vector<T>(g.out_c, rng);
    const auto dy = random_vector<T>(ny, rng);
    std::vector<T> ws(conv2d_workspace_size(g) + 1);
    for (bool with_bias : {false, true}) {
      std::vector<T> y_ref(ny), y_opt(ny, T(7));
      fwd.reference()(g, x.data(), w.data(), with_bias ? bias.data() : nullptr, y_ref.data(), nullptr);
      fwd.optimized()(g, x.data(), w.data(), with_bias ? bias.data() : nullptr, y_opt.data(), ws.data());
      ASSERT_TRUE(close(y_opt, y_ref, tol, "forward " + what));

      std::vector<T> dw_ref(nw), dw_opt(nw, T(7)), db_ref(g.out_c), db_opt(g.out_c, T(7));
      bw.reference()(g, x.data(), dy.data(), dw_ref.data(), with_bias ? db_ref.data() : nullptr, nullptr);
      bw.optimized()(g, x.data(), dy.data(), dw_opt.data(), with_bias ? db_opt.data() : nullptr, ws.data());
      ASSERT_TRUE(close(dw_opt, dw_ref, tol, "weight grad " + what));
      if (with_bias) {
        ASSERT_TRUE(close(db_opt, db_ref, tol, "bias grad " + what));
      }
    }
    std::vector<T> dx_ref(nx), dx_opt(nx, T(7));
    bin.reference()(g, dy.data(), w.data(), dx_ref.data(), nullptr);
    bin.optimized()(g, dy.data(), w.data(), dx_opt.data(), ws.data());
    ASSERT_TRUE(close(dx_opt, dx_ref, tol, "input grad " + what));
  }
}

TEST(ConvKernels, OptimizedMatchesReferenceFloat) {
  compare_all_conv<float>(2e-4);
}
TEST(ConvKernels, OptimizedMatchesReferenceDouble) {
  compare_all_conv<double>(1e-12);
}

// The reference itself on a case small enough to work out by hand: a 3x3 image
// of 1..9, a 2x2 all-ones kernel, valid padding: each output is a window sum.
TEST(ConvKernels, ReferenceWindowSums) {
  const Conv2dGeometry g{1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0};
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 1, 1, 1};
  std::vector<float> y(4);
  conv2d_forward_slot<float>().reference()(g, x.data(), w.data(), nullptr, y.data(), nullptr);
  EXPECT_EQ(y, (std::vector<float>{1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9}));
}

}  // namespace
}  // namespace deepfin::kernels
