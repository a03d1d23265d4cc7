// The optimized concat-copy and dropout mask kernels against the reference loops
// over a grid of shapes incl. 1, odd sizes and sizes past the parallel cut-off.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/movement_slots.h"

namespace deepfin::kernels {
namespace {

template <class T>
void compare_concat() {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> value(-3, 3);
  for (int64_t outer : {1, 5, 3000})
    for (int64_t src_cols : {1, 7, 24})
      for (int64_t before : {0, 3}) {
        const int64_t dst_cols = before + src_cols + 2;
        std::vector<T> src(outer * src_cols);
        for (auto& v : src) v = T(value(rng));
        std::vector<T> want(outer * dst_cols, T(-9)), got(outer * dst_cols, T(-9));
        concat_copy_slot<T>().reference()(src.data(), want.data(), outer, src_cols, dst_cols, before);
        concat_copy_slot<T>().optimized()(src.data(), got.data(), outer, src_cols, dst_cols, before);
        EXPECT_EQ(got, want) << "outer " << outer << " src_cols " << src_cols << " at " << before;
        // The copy lands in the right band and leaves the rest alone.
        EXPECT_EQ(want[before], src[0]);
        EXPECT_EQ(want[dst_cols - 1], T(-9));
      }
}

TEST(KernelsConcat, OptimizedMatchesReference) {
  compare_concat<float>();
  compare_concat<double>();
  compare_concat<int64_t>();
}

template <class T>
void compare_mask() {
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> value(-3, 3);
  std::bernoulli_distribution keep(0.7);
  for (int64_t n : {1, 2, 17, 1000, 100003}) {
    std::vector<T> x(n), mask(n);
    for (int64_t i = 0; i < n; ++i) {
      x[i] = T(value(rng));
      mask[i] = keep(rng) ? T(1 / 0.7) : T(0);
    }
    std::vector<T> want(n), got(n);
    mask_multiply_slot<T>().reference()(x.data(), mask.data(), want.data(), n);
    mask_multiply_slot<T>().optimized()(x.data(), mask.data(), got.data(), n);
    EXPECT_EQ(got, want) << "n " << n;
    EXPECT_EQ(want[0], x[0] * mask[0]);
  }
}

TEST(KernelsDropout, OptimizedMatchesReference) {
  compare_mask<float>();
  compare_mask<double>();
}

}  // namespace
}  // namespace deepfin::kernels
