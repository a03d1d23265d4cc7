// The optimized gather and scatter-add kernels against the reference loops over a
// grid of (outer, axis_len, n_idx, inner) incl. 1, odd sizes and sizes big enough
// to go parallel; the scatter-add must also not depend on the thread count.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/movement_slots.h"

namespace deepfin::kernels {
namespace {

struct GatherShape {
  int64_t outer, axis_len, n_idx, inner;
};

std::vector<GatherShape> shapes() {
  std::vector<GatherShape> out;
  for (int64_t outer : {1, 3})
    for (int64_t axis_len : {1, 7})
      for (int64_t n_idx : {1, 5, 16})
        for (int64_t inner : {1, 33}) out.push_back({outer, axis_len, n_idx, inner});
  out.push_back({2, 50, 300, 97});   // past the parallel cut-off, repeated indices
  out.push_back({1, 10, 40, 1000});  // embedding-like: one outer row, wide inner
  return out;
}

template <class T>
void compare_gather() {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> value(-2, 2);
  for (const GatherShape& s : shapes()) {
    std::uniform_int_distribution<int64_t> pick(0, s.axis_len - 1);
    std::vector<int64_t> idx(s.n_idx);
    for (auto& i : idx) i = pick(rng);
    std::vector<T> x(s.outer * s.axis_len * s.inner), g(s.outer * s.n_idx * s.inner);
    for (auto& v : x) v = T(value(rng));
    for (auto& v : g) v = T(value(rng));

    const auto& fwd = gather_slot<T>();
    std::vector<T> want(g.size()), got(g.size());
    fwd.reference()(x.data(), idx.data(), want.data(), s.outer, s.axis_len, s.n_idx, s.inner);
    fwd.optimized()(x.data(), idx.data(), got.data(), s.outer, s.axis_len, s.n_idx, s.inner);
    EXPECT_EQ(got, want) << "gather " << s.outer << "x" << s.axis_len << " n_idx " << s.n_idx << " inner " << s.inner;

    // Each element sums its contributions in index order in both kernels: exact equality.
    const auto& bwd = gather_backward_slot<T>();
    std::vector<T> gx_want(x.size(), T(0)), gx_got(x.size(), T(0));
    bwd.reference()(g.data(), idx.data(), gx_want.data(), s.outer, s.axis_len, s.n_idx, s.inner);
    bwd.optimized()(g.data(), idx.data(), gx_got.data(), s.outer, s.axis_len, s.n_idx, s.inner);
    EXPECT_EQ(gx_got, gx_want) << "scatter-add " << s.outer << "x" << s.axis_len << " n_idx " << s.n_idx;
  }
}

TEST(KernelsGather, OptimizedMatchesReferenceFloat) {
  compare_gather<float>();
}
TEST(KernelsGather, OptimizedMatchesReferenceDouble) {
  compare_gather<double>();
}

TEST(KernelsGather, Int64GatherMatchesReference) {
  std::vector<int64_t> x = {10, 11, 12, 13, 14, 15}, idx = {2, 0, 2};
  std::vector<int64_t> want(6), got(6);
  gather_slot<int64_t>().reference()(x.data(), idx.data(), want.data(), 2, 3, 3, 1);
  gather_slot<int64_t>().optimized()(x.data(), idx.data(), got.data(), 2, 3, 3, 1);
  EXPECT_EQ(want, (std::vector<int64_t>{12, 10, 12, 15, 13, 15}));
  EXPECT_EQ(got, want);
}

TEST(KernelsGather, ScatterAddIsIndependentOfThreadCount) {
  const int64_t vocab = 8, n_idx = 4000, dim = 64;  // many repeats of each row
  std::mt19937 rng(5);
  std::uniform_int_distribution<int64_t> pick(0, vocab - 1);
  std::uniform_real_distribution<float> value(-1, 1);
  std::vector<int64_t> idx(n_idx);
  for (auto& i : idx) i = pick(rng);
  std::vector<float> g(n_idx * dim);
  for (auto& v : g) v = value(rng);
  const int saved = get_num_threads();
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    std::vector<float> gx(vocab * dim, 0.0f);
    gather_backward_slot<float>().optimized()(g.data(), idx.data(), gx.data(), 1, vocab, n_idx, dim);
    results.push_back(gx);
  }
  set_num_threads(saved);
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
}

TEST(KernelsGather, OneHotReference) {
  std::vector<int64_t> labels = {2, 0, 1};
  std::vector<float> out(9, -1.0f);
  one_hot_slot<float>().select()(labels.data(), out.data(), 3, 3);
  EXPECT_EQ(out, (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0}));
}

}  // namespace
}  // namespace deepfin::kernels
