// The optimized pooling kernels against the reference loops over a grid of
// geometries (odd sizes, size 1, stride != pool, valid/same padding).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "deepfin/ops/conv.h"
#include "kernels/conv_slots.h"
#include "kernels_test_util.h"

namespace deepfin::kernels {
namespace {

std::vector<Pool2dGeometry> pool_geometries() {
  std::vector<Pool2dGeometry> out;
  for (int64_t batch : {1, 3})
    for (int64_t h : {1, 4, 7})
      for (int64_t c : {1, 5, 16})
        for (int64_t pool : {1, 2, 3})
          for (int64_t stride : {1, 2, 3})
            for (Padding p : {Padding::valid, Padding::same}) {
              Pool2dGeometry g{};
              g.batch = batch, g.in_h = h, g.in_w = h + 1, g.channels = c;
              g.pool_h = pool, g.pool_w = pool == 3 ? 2 : pool, g.stride_h = stride, g.stride_w = pool;
              g.out_h = conv_output_size(g.in_h, g.pool_h, g.stride_h, 1, p);
              g.out_w = conv_output_size(g.in_w, g.pool_w, g.stride_w, 1, p);
              g.pad_top = conv_pad_before(g.in_h, g.pool_h, g.stride_h, 1, p);
              g.pad_left = conv_pad_before(g.in_w, g.pool_w, g.stride_w, 1, p);
              if (g.out_h > 0 && g.out_w > 0) out.push_back(g);
            }
  // The seed CNN's pool: 2x2 windows tiling the image exactly (no cell uncovered).
  out.push_back({2, 26, 26, 32, 2, 2, 2, 2, 0, 0, 13, 13});
  return out;
}

using testing::close;

template <class T>
void compare_all_pool(double tol) {
  std::mt19937 rng(9);
  // Few distinct values, so windows often hold ties and "first max" matters.
  std::uniform_int_distribution<int> dist(-3, 3);
  for (const Pool2dGeometry& g : pool_geometries()) {
    const std::string what = "in " + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) + "x" +
                             std::to_string(g.channels) + " pool " + std::to_string(g.pool_h) + "x" +
                             std::to_string(g.pool_w) + " stride " + std::to_string(g.stride_h) + " pad " +
                             std::to_string(g.pad_top) + "," + std::to_string(g.pad_left);
    const int64_t nx = g.batch * g.in_h * g.in_w * g.channels, ny = g.batch * g.out_h * g.out_w * g.channels;
    std::vector<T> x(nx), dy(ny);
    for (T& v : x) v = static_cast<T>(dist(rng));
    for (T& v : dy) v = static_cast<T>(dist(rng)) + T(0.25);
    std::vector<T> y_ref(ny), y_opt(ny, T(9)), dx_ref(nx), dx_opt(nx, T(9));

    max_pool2d_forward_slot<T>().reference()(g, x.data(), y_ref.data());
    max_pool2d_forward_slot<T>().optimized()(g, x.data(), y_opt.data());
    ASSERT_TRUE(close(y_opt, y_ref, 0, "max forward " + what));
    max_pool2d_backward_slot<T>().reference()(g, x.data(), dy.data(), dx_ref.data());
    max_pool2d_backward_slot<T>().optimized()(g, x.data(), dy.data(), dx_opt.data());
    ASSERT_TRUE(close(dx_opt, dx_ref, tol, "max backward " + what));

    avg_pool2d_forward_slot<T>().reference()(g, x.data(), y_ref.data());
    avg_pool2d_forward_slot<T>().optimized()(g, x.data(), y_opt.data());
    ASSERT_TRUE(close(y_opt, y_ref, tol, "avg forward " + what));
    avg_pool2d_backward_slot<T>().reference()(g, dy.data(), dx_ref.data());
    avg_pool2d_backward_slot<T>().optimized()(g, dy.data(), dx_opt.data());
    ASSERT_TRUE(close(dx_opt, dx_ref, tol, "avg backward " + what));
  }
}

TEST(PoolKernels, OptimizedMatchesReferenceFloat) {
  compare_all_pool<float>(1e-6);
}
TEST(PoolKernels, OptimizedMatchesReferenceDouble) {
  compare_all_pool<double>(1e-14);
}

// Ties: the whole gradient goes to the first maximum in row-major window order.
TEST(PoolKernels, MaxGradientGoesToFirstMaximum) {
  const Pool2dGeometry g{1, 2, 2, 1, 2, 2, 2, 2, 0, 0, 1, 1};
  const std::vector<float> x = {1, 5, 5, 2}, dy = {3};
  for (auto* kernel : {max_pool2d_backward_slot<float>().reference(), max_pool2d_backward_slot<float>().optimized()}) {
    std::vector<float> dx(4, -1);
    kernel(g, x.data(), dy.data(), dx.data());
    EXPECT_EQ(dx, (std::vector<float>{0, 3, 0, 0}));
  }
}

// NaN: the forward chain keeps a NaN only when a window starts with one, and
// then that cell takes the gradient; a later NaN never wins. Both kernels agree,
// on the 2x2 fast path (16 channels: whole vectors) and on a 3x3 window.
TEST(PoolKernels, NaNWindowsGiveTheReferenceGradient) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const int64_t pool : {2, 3}) {
    const int64_t c = 16, cells = pool * pool;
    const Pool2dGeometry g{1, pool, pool, c, pool, pool, pool, pool, 0, 0, 1, 1};
    std::vector<float> x(static_cast<size_t>(cells * c)), dy(static_cast<size_t>(c));
    for (int64_t ch = 0; ch < c; ++ch) {
      dy[ch] = static_cast<float>(ch + 1);
      for (int64_t k = 0; k < cells; ++k) x[k * c + ch] = static_cast<float>((k * 7 + ch) % 5);
      x[(ch % cells) * c + ch] = nan;  // the NaN moves through every cell of the window
    }
    std::vector<float> y_ref(c), y_opt(c), dx_ref(x.size(), -1), dx_opt(x.size(), -1);
    max_pool2d_forward_slot<float>().reference()(g, x.data(), y_ref.data());
    max_pool2d_forward_slot<float>().optimized()(g, x.data(), y_opt.data());
    max_pool2d_backward_slot<float>().reference()(g, x.data(), dy.data(), dx_ref.data());
    max_pool2d_backward_slot<float>().optimized()(g, x.data(), dy.data(), dx_opt.data());
    for (int64_t ch = 0; ch < c; ++ch) {
      EXPECT_EQ(std::isnan(y_opt[ch]), std::isnan(y_ref[ch])) << "pool " << pool << " channel " << ch;
      if (!std::isnan(y_ref[ch])) {
        EXPECT_EQ(y_opt[ch], y_ref[ch]) << "pool " << pool << " channel " << ch;
      }
    }
    EXPECT_EQ(dx_opt, dx_ref) << "pool " << pool;
  }
}

}  // namespace
}  // namespace deepfin::kernels
