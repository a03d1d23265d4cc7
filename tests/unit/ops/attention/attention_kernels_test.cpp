// The optimized float32 attention kernels against the reference kernel over a
// grid of shapes (T = 1, odd T, Tq != Tk, query and key counts across the
// 128-wide tile edges; pairs under 2048 multiply-adds run the plain loops), with
// and without masks (padding and full), causal, and dropout; the fully masked
// row; and the dropout hash's statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/attention_slots.h"
#include "kernels/cpu/opt/attention_opt.h"
#include "kernels/cpu/ref/attention_common.h"

namespace deepfin::kernels {
namespace {

enum class MaskKind { none, padding, full };

struct Shape6 {
  int64_t b, h, tq, tk, dk, dv;
};

std::vector<float> random_values(int64_t n, std::mt19937& rng, float low = -1.5f, float high = 1.5f) {
  std::uniform_real_distribution<float> d(low, high);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isinf(b[i])) {
      ASSERT_EQ(a[i], b[i]) << what << " element " << i;
      continue;
    }
    ASSERT_NEAR(a[i], b[i], 3e-5 + 3e-4 * std::fabs(b[i])) << what << " element " << i;
  }
}

struct KernelRun {
  std::vector<float> out, lse, dq, dk, dv;
};

KernelRun run_kernels(const AttentionArgs<float>& a, const std::vector<float>& dout, AttentionForwardFn<float>* fwd,
                      AttentionBackwardFn<float>* bwd) {
  const int64_t bh = a.batch * a.heads;
  KernelRun r;
  r.out.assign(bh * a.tq * a.dv, 7.f);  // garbage: kernels must overwrite
  r.lse.assign(bh * a.tq, 7.f);
  r.dq.assign(bh * a.tq * a.dk, 7.f);
  r.dk.assign(bh * a.tk * a.dk, 7.f);
  r.dv.assign(bh * a.tk * a.dv, 7.f);
  fwd(a, r.out.data(), r.lse.data(), nullptr);
  bwd(a, r.out.data(), r.lse.data(), dout.data(), r.dq.data(), r.dk.data(), r.dv.data());
  return r;
}

void compare(const Shape6& s, MaskKind mask_kind, bool causal, double dropout) {
  std::mt19937 rng(static_cast<unsigned>(s.tq * 131 + s.tk * 7 + s.dk + static_cast<int>(mask_kind)));
  const int64_t bh = s.b * s.h;
  const std::vector<float> q = random_values(bh * s.tq * s.dk, rng), k = random_values(bh * s.tk * s.dk, rng),
                           v = random_values(bh * s.tk * s.dv, rng), dout = random_values(bh * s.tq * s.dv, rng);
  std::vector<float> mask;
  AttentionArgs<float> a;
  a.batch = s.b;
  a.heads = s.h;
  a.tq = s.tq;
  a.tk = s.tk;
  a.dk = s.dk;
  a.dv = s.dv;
  a.scale = 1.f / std::sqrt(static_cast<float>(s.dk));
  a.causal = causal;
  a.dropout = dropout;
  a.seed = 12345;
  a.q = q.data();
  a.k = k.data();
  a.v = v.data();
  std::bernoulli_distribution keep(0.7);
  if (mask_kind == MaskKind::padding) {  // (B, 1, 1, Tk), the last key of each batch row always kept
    for (int64_t e = 0; e < s.b * s.tk; ++e) mask.push_back(e % s.tk == s.tk - 1 || keep(rng) ? 1.f : 0.f);
    a.mask_strides[0] = s.tk;
    a.mask_strides[3] = 1;
  } else if (mask_kind == MaskKind::full) {  // (B, H, Tq, Tk), some rows fully masked
    for (int64_t e = 0; e < bh * s.tq * s.tk; ++e) mask.push_back(keep(rng) ? 1.f : 0.f);
    a.mask_strides[0] = s.h * s.tq * s.tk;
    a.mask_strides[1] = s.tq * s.tk;
    a.mask_strides[2] = s.tk;
    a.mask_strides[3] = 1;
  }
  a.mask = mask.empty() ? nullptr : mask.data();
  const auto& fs = attention_forward_slot<float>();
  const auto& bs = attention_backward_slot<float>();
  ASSERT_TRUE(fs.has_optimized() && bs.has_optimized());
  const KernelRun ref = run_kernels(a, dout, fs.reference(), bs.reference());
  const KernelRun opt = run_kernels(a, dout, fs.optimized(), bs.optimized());
  const std::string label = ::testing::PrintToString(std::vector<int64_t>{s.b, s.h, s.tq, s.tk, s.dk, s.dv}) +
                            " mask " + std::to_string(static_cast<int>(mask_kind)) + (causal ? " causal" : "") +
                            " dropout " + std::to_string(dropout);
  expect_close(opt.out, ref.out, label + " out");
  expect_close(opt.lse, ref.lse, label + " lse");
  expect_close(opt.dq, ref.dq, label + " dq");
  expect_close(opt.dk, ref.dk, label + " dk");
  expect_close(opt.dv, ref.dv, label + " dv");
}

TEST(AttentionKernels, OptimizedMatchesReferenceOverShapeGrid) {
  const std::vector<Shape6> shapes = {{1, 1, 1, 1, 1, 1},     {2, 3, 5, 7, 4, 6},     {1, 2, 7, 5, 3, 3},
                                      {2, 1, 1, 9, 5, 2},     {1, 1, 9, 1, 2, 4},     {2, 2, 65, 130, 8, 5},
                                      {1, 1, 131, 140, 3, 2}, {1, 2, 64, 64, 16, 16}, {1, 1, 3, 129, 7, 1},
                                      {2, 1, 1, 200, 8, 8},   {1, 2, 200, 1, 8, 8}};
  for (const Shape6& s : shapes)
    for (MaskKind m : {MaskKind::none, MaskKind::padding, MaskKind::full})
      for (bool causal : {false, true})
        for (double dropout : {0.0, 0.3}) compare(s, m, causal, dropout);
}

TEST(AttentionKernels, FullyMaskedRowGivesZeroOutputAndGradient) {
  // One pair, Tq = 2, Tk = 3, Dk = Dv = 1; row 0 sees nothing, row 1 sees all keys.
  const std::vector<float> q{0.5f, -1.f}, k{1.f, 2.f, 3.f}, v{1.f, 2.f, 4.f}, mask{0, 0, 0, 1, 1, 1}, dout{1.f, 1.f};
  AttentionArgs<float> a;
  a.batch = a.heads = 1;
  a.tq = 2;
  a.tk = 3;
  a.dk = a.dv = 1;
  a.q = q.data();
  a.k = k.data();
  a.v = v.data();
  a.mask = mask.data();
  a.mask_strides[2] = 3;
  a.mask_strides[3] = 1;
  for (bool optimized : {false, true}) {
    const auto& fs = attention_forward_slot<float>();
    const auto& bs = attention_backward_slot<float>();
    const KernelRun r =
        run_kernels(a, dout, optimized ? fs.optimized() : fs.reference(), optimized ? bs.optimized() : bs.reference());
    EXPECT_EQ(r.out[0], 0.f);
    EXPECT_TRUE(std::isinf(r.lse[0]) && r.lse[0] < 0);
    EXPECT_EQ(r.dq[0], 0.f);
    // Row 1: s = -k = (-1, -2, -3), softmax weights e^-1, e^-2, e^-3 over their sum.
    const double w1 = std::exp(-1.0), w2 = std::exp(-2.0), w3 = std::exp(-3.0), z = w1 + w2 + w3;
    EXPECT_NEAR(r.out[1], (w1 * 1 + w2 * 2 + w3 * 4) / z, 1e-6);
    EXPECT_NEAR(r.lse[1], std::log(z), 1e-6);
    for (float g : r.dk) EXPECT_TRUE(std::isfinite(g));
    EXPECT_NEAR(r.dv[0] + r.dv[1] + r.dv[2], 1.0, 1e-6);  // dV_j = sum_i P_ij dO_i, rows of P sum to 1
  }
}

TEST(AttentionKernels, DropoutHashKeepsTheRateAndIsDeterministic) {
  for (double rate : {0.1, 0.5, 0.9}) {
    const AttentionDropout drop(99, rate);
    int64_t kept = 0;
    const int64_t n = 200000;
    for (int64_t e = 0; e < n; ++e) kept += drop.keep(static_cast<uint64_t>(e)) ? 1 : 0;
    EXPECT_NEAR(static_cast<double>(kept) / n, 1.0 - rate, 0.005) << rate;
    EXPECT_DOUBLE_EQ(drop.keep_scale, 1.0 / (1.0 - rate));
  }
  const AttentionDropout a(1, 0.5), b(1, 0.5), c(2, 0.5);
  int differ_seed = 0;
  for (uint64_t e = 0; e < 1000; ++e) {
    EXPECT_EQ(a.keep(e), b.keep(e));
    differ_seed += a.keep(e) != c.keep(e);
  }
  EXPECT_GT(differ_seed, 400);  // another seed draws independent decisions (~500 differ)
  // Neighbouring indices are not correlated: P(keep e and keep e+1) ~ 1/4.
  int both = 0;
  for (uint64_t e = 0; e < 100000; ++e) both += a.keep(e) && a.keep(e + 1);
  EXPECT_NEAR(both / 100000.0, 0.25, 0.01);
}

}  // namespace
}  // namespace deepfin::kernels
