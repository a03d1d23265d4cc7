// Optimized float32 element-wise / reduction / softmax kernels against the
// reference kernels, over a grid of shapes: sizes of 1, odd sizes, and sizes
// above the parallel grain; plus bit-determinism across thread counts.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "deepfin/base/threads.h"
#include "kernels/elementwise_slots.h"

namespace deepfin::kernels {
namespace {

std::vector<float> random_floats(int64_t n, float low, float high, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, float rtol, const char* what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      ASSERT_TRUE(std::isnan(got[i])) << what << " at " << i;
      continue;
    }
    ASSERT_NEAR(got[i], want[i], 1e-6f + rtol * std::abs(want[i])) << what << " at " << i;
  }
}

std::vector<int64_t> contiguous(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

// Layout for contiguous inputs of shapes a and b (same rank as out, 1 = broadcast).
BroadcastLayout layout_for(const std::vector<int64_t>& out, const std::vector<int64_t>& a,
                           const std::vector<int64_t>& b) {
  BroadcastLayout l{out, {contiguous(a), contiguous(b)}};
  for (size_t d = 0; d < out.size(); ++d) {
    if (a[d] == 1) l.strides[0][d] = 0;
    if (b[d] == 1) l.strides[1][d] = 0;
  }
  return coalesce(l);
}

int64_t count(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

const BinaryOp kBinaryOps[] = {BinaryOp::add,  BinaryOp::sub,     BinaryOp::mul,     BinaryOp::div,
                               BinaryOp::pow,  BinaryOp::maximum, BinaryOp::minimum, BinaryOp::greater,
                               BinaryOp::less, BinaryOp::equal};

TEST(KernelsEw, BinaryOptimizedMatchesReference) {
  const auto& slot = binary_slot<float>();
  ASSERT_TRUE(slot.has_optimized());
  struct Case {
    std::vector<int64_t> out, a, b;
  };
  const std::vector<Case> cases = {
      {{1}, {1}, {1}},
      {{7}, {7}, {7}},
      {{7}, {1}, {7}},
      {{7}, {7}, {1}},
      {{3, 5}, {3, 1}, {1, 5}},
      {{3, 1, 4}, {3, 1, 4}, {1, 1, 4}},
      {{2, 3, 5}, {2, 1, 5}, {1, 3, 1}},
      {{40009}, {40009}, {40009}},           // above the grain, one flat run
      {{3, 40009}, {3, 40009}, {1, 40009}},  // above the grain, rows
      {{70001}, {1}, {70001}},               // scalar a
      {{257, 131}, {257, 1}, {257, 131}},    // inner run of odd length, column broadcast
  };
  for (const auto& c : cases) {
    const int64_t n = count(c.out);
    auto a = random_floats(count(c.a), 0.5f, 2.0f, 1);
    auto b = random_floats(count(c.b), -1.5f, 1.5f, 2);
    const BroadcastLayout l = layout_for(c.out, c.a, c.b);
    for (BinaryOp op : kBinaryOps) {
      std::vector<float> want(n), got(n);
      slot.reference()(op, l, a.data(), b.data(), want.data());
      slot.optimized()(op, l, a.data(), b.data(), got.data());
      expect_close(got, want, 1e-6f, "binary");
    }
  }
}

TEST(KernelsEw, BinaryStridedTransposedInput) {
  // a is a (5, 3) transposed view of a (3, 5) buffer; out is (5, 3).
  auto a = random_floats(15, -1, 1, 3), b = random_floats(15, -1, 1, 4);
  BroadcastLayout l = coalesce({{5, 3}, {{1, 5}, {3, 1}}});
  std::vector<float> want(15), got(15);
  binary_slot<float>().reference()(BinaryOp::mul, l, a.data(), b.data(), want.data());
  binary_slot<float>().optimized()(BinaryOp::mul, l, a.data(), b.data(), got.data());
  expect_close(got, want, 0, "strided");
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(want[i * 3 + j], a[j * 5 + i] * b[i * 3 + j]);
}

TEST(KernelsEw, CoalesceMergesContiguousAxes) {
  BroadcastLayout l = coalesce({{2, 3, 4}, {{12, 4, 1}, {0, 4, 1}}});
  EXPECT_EQ(l.shape, (std::vector<int64_t>{2, 12}));
  l = coalesce({{2, 3, 4}, {{12, 4, 1}, {12, 4, 1}}});
  EXPECT_EQ(l.shape, (std::vector<int64_t>{24}));
  l = coalesce({{1, 1}, {{0, 0}}});
  EXPECT_EQ(l.shape, (std::vector<int64_t>{1}));
}

const UnaryOp kUnaryOps[] = {UnaryOp::neg,        UnaryOp::exp,        UnaryOp::log,   UnaryOp::sqrt,
                             UnaryOp::abs,        UnaryOp::square,     UnaryOp::clamp, UnaryOp::add_scalar,
                             UnaryOp::mul_scalar, UnaryOp::pow_scalar, UnaryOp::relu,  UnaryOp::leaky_relu,
                             UnaryOp::elu,        UnaryOp::sigmoid,    UnaryOp::tanh,  UnaryOp::gelu,
                             UnaryOp::gelu_tanh,  UnaryOp::softplus,   UnaryOp::sin,   UnaryOp::cos};

TEST(KernelsEw, UnaryForwardAndBackwardOptimizedMatchReference) {
  const auto& fwd = unary_slot<float>();
  const auto& bwd = unary_backward_slot<float>();
  ASSERT_TRUE(fwd.has_optimized() && bwd.has_optimized());
  for (int64_t n : {1, 2, 17, 1000, 50001}) {
    auto x = random_floats(n, 0.1f, 3.0f, 5);  // positive so log / sqrt / pow are defined
    auto xs = random_floats(n, -4.0f, 4.0f, 6);
    auto dy = random_floats(n, -1.0f, 1.0f, 7);
    for (UnaryOp op : kUnaryOps) {
      const bool positive = op == UnaryOp::log || op == UnaryOp::sqrt || op == UnaryOp::pow_scalar;
      const auto& in = positive ? x : xs;
      const float alpha = op == UnaryOp::clamp ? -0.5f : 1.7f, beta = 0.8f;
      std::vector<float> y_ref(n), y_opt(n), dx_ref(n), dx_opt(n);
      fwd.reference()(op, n, in.data(), y_ref.data(), alpha, beta);
      fwd.optimized()(op, n, in.data(), y_opt.data(), alpha, beta);
      expect_close(y_opt, y_ref, 1e-6f, "unary forward");
      bwd.reference()(op, n, in.data(), y_ref.data(), dy.data(), dx_ref.data(), alpha, beta);
      bwd.optimized()(op, n, in.data(), y_ref.data(), dy.data(), dx_opt.data(), alpha, beta);
      expect_close(dx_opt, dx_ref, 1e-6f, "unary backward");
    }
  }
}

struct Split {
  int64_t outer, n, inner;
};
const std::vector<Split> kSplits = {{1, 1, 1},      {1, 7, 1},    {3, 1, 5},      {5, 9, 1},    {2, 13, 3},
                                    {1, 100003, 1}, {7, 5003, 1}, {1, 301, 1029}, {4, 33, 600}, {40000, 3, 1}};

TEST(KernelsEw, ReduceOptimizedMatchesReference) {
  const auto& slot = reduce_slot<float>();
  ASSERT_TRUE(slot.has_optimized());
  for (const auto& s : kSplits) {
    auto x = random_floats(s.outer * s.n * s.inner, -1, 1, 8);
    for (ReduceOp op : {ReduceOp::sum, ReduceOp::mean, ReduceOp::max, ReduceOp::min}) {
      std::vector<float> want(s.outer * s.inner), got(s.outer * s.inner);
      slot.reference()(op, s.outer, s.n, s.inner, x.data(), want.data());
      slot.optimized()(op, s.outer, s.n, s.inner, x.data(), got.data());
      // Sums differ only by rounding (float block partials vs double); scale atol with sqrt(n).
      const float tol = op == ReduceOp::sum ? 1e-6f * std::sqrt(static_cast<float>(s.n)) : 1e-6f;
      for (size_t i = 0; i < want.size(); ++i)
        ASSERT_NEAR(got[i], want[i], tol + 1e-5f * std::abs(want[i]))
            << "split " << s.outer << "x" << s.n << "x" << s.inner;
    }
  }
}

TEST(KernelsEw, SoftmaxOptimizedMatchesReference) {
  const auto& fwd = softmax_slot<float>();
  const auto& bwd = softmax_backward_slot<float>();
  ASSERT_TRUE(fwd.has_optimized() && bwd.has_optimized());
  for (const auto& s : kSplits) {
    const int64_t total = s.outer * s.n * s.inner;
    auto x = random_floats(total, -8, 8, 9);
    auto dy = random_floats(total, -1, 1, 10);
    for (bool log : {false, true}) {
      std::vector<float> y_ref(total), y_opt(total), dx_ref(total), dx_opt(total);
      fwd.reference()(log, s.outer, s.n, s.inner, x.data(), y_ref.data());
      fwd.optimized()(log, s.outer, s.n, s.inner, x.data(), y_opt.data());
      expect_close(y_opt, y_ref, 1e-5f, log ? "log_softmax" : "softmax");
      bwd.reference()(log, s.outer, s.n, s.inner, y_ref.data(), dy.data(), dx_ref.data());
      bwd.optimized()(log, s.outer, s.n, s.inner, y_ref.data(), dy.data(), dx_opt.data());
      // The backward sums n terms; allow float rounding that grows with n.
      const float atol = 1e-5f * std::sqrt(static_cast<float>(s.n));
      for (int64_t i = 0; i < total; ++i) ASSERT_NEAR(dx_opt[i], dx_ref[i], atol + 1e-4f * std::abs(dx_ref[i]));
    }
  }
}

TEST(KernelsEw, OptimizedReductionsAreBitIdenticalAcrossThreadCounts) {
  const int saved = get_num_threads();
  auto x = random_floats(3 * 200003, -1, 1, 11);
  auto run = [&](int threads, Split s, ReduceOp op) {
    set_num_threads(threads);
    std::vector<float> out(s.outer * s.inner);
    reduce_slot<float>().optimized()(op, s.outer, s.n, s.inner, x.data(), out.data());
    return out;
  };
  for (Split s : {Split{1, 600009, 1}, Split{3, 200003, 1}, Split{1, 3, 200003}, Split{3, 1001, 199}}) {
    for (ReduceOp op : {ReduceOp::sum, ReduceOp::mean}) {
      const auto one = run(1, s, op), two = run(2, s, op), four = run(4, s, op);
      EXPECT_EQ(one, two);
      EXPECT_EQ(one, four);
    }
  }
  set_num_threads(saved);
}

}  // namespace
}  // namespace deepfin::kernels
