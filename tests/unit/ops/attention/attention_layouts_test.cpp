// deepfin::attention on operands whose heads are interleaved, (B, T, H, D) buffers
// seen as (B, H, T, D) the way MultiHeadAttention's projections arrive: the
// kernels read them in place, write the output and the gradients in the same
// layout (no copies), and must agree with the same op on contiguous copies, for
// the reference and the optimized kernels, with masks, causal order and dropout.
#include <gtest/gtest.h>

#include "deepfin/core/random.h"
#include "deepfin/ops/attention.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"
#include "kernels/dispatch.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;

// A (B, T, H, D) leaf and its (B, H, T, D) view.
struct Interleaved {
  Tensor leaf, view;
};

Interleaved interleaved(const Tensor& bhtd) {
  Tensor leaf = bhtd.permute({0, 2, 1, 3}).contiguous().detach().set_requires_grad(true);
  return {leaf, leaf.permute({0, 2, 1, 3})};
}

struct LayoutCase {
  int64_t B, H, Tq, Tk, D;
  bool causal, padding;
  double dropout;
};

class AttentionLayouts : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { kernels::set_reference_kernels_only(GetParam()); }
  void TearDown() override { kernels::set_reference_kernels_only(false); }
};

TEST_P(AttentionLayouts, InterleavedHeadsMatchContiguousWithoutCopies) {
  const std::vector<LayoutCase> cases = {{2, 3, 5, 5, 4, false, false, 0.0},   {2, 4, 64, 64, 32, false, true, 0.0},
                                         {1, 2, 64, 64, 16, true, false, 0.2}, {1, 2, 9, 140, 8, false, true, 0.1},
                                         {2, 2, 1, 6, 8, false, false, 0.0},   {1, 3, 130, 130, 8, true, true, 0.3}};
  for (const LayoutCase& c : cases) {
    Generator gen(c.Tq * 7 + c.Tk);
    const Tensor q = random_double({c.B, c.H, c.Tq, c.D}, gen).to(DType::float32);
    const Tensor k = random_double({c.B, c.H, c.Tk, c.D}, gen).to(DType::float32);
    const Tensor v = random_double({c.B, c.H, c.Tk, c.D}, gen).to(DType::float32);
    const Tensor R = random_double({c.B, c.H, c.Tq, c.D}, gen).to(DType::float32);
    Tensor mask;
    if (c.padding) {
      mask = ones({c.B, 1, 1, c.Tk});
      for (int64_t b = 0; b < c.B; ++b) mask.set({b, 0, 0, (2 * b + 1) % c.Tk}, 0.0);
    }
    const deepfin::AttentionOptions o{.causal = c.causal, .dropout = c.dropout, .training = c.dropout > 0};

    // Interleaved q and v, contiguous k: each operand keeps its own layout.
    const Interleaved qi = interleaved(q), vi = interleaved(v);
    const Tensor ki = k.detach().set_requires_grad(true);
    set_random_seed(5);  // the same dropout seed for both runs
    const Tensor out_i = deepfin::attention(qi.view, ki, vi.view, mask, o);
    const int64_t stride_t = c.H * c.D;
    EXPECT_EQ(out_i.strides(), (Strides{c.Tq * stride_t, c.D, stride_t, 1})) << "output follows q's layout";
    sum(out_i * R).backward();

    const Tensor qc = q.detach().set_requires_grad(true), kc = k.detach().set_requires_grad(true),
                 vc = v.detach().set_requires_grad(true);
    set_random_seed(5);
    const Tensor out_c = deepfin::attention(qc, kc, vc, mask, o);
    sum(out_c * R).backward();

    const std::string name = "T " + std::to_string(c.Tq) + "x" + std::to_string(c.Tk);
    EXPECT_TRUE(all_close(out_i, out_c, 1e-6, 1e-5)) << name;
    EXPECT_TRUE(all_close(qi.leaf.grad().permute({0, 2, 1, 3}), qc.grad(), 1e-6, 1e-5)) << name << " dq";
    EXPECT_TRUE(all_close(ki.grad(), kc.grad(), 1e-6, 1e-5)) << name << " dk";
    EXPECT_TRUE(all_close(vi.leaf.grad().permute({0, 2, 1, 3}), vc.grad(), 1e-6, 1e-5)) << name << " dv";
  }
}

INSTANTIATE_TEST_SUITE_P(ReferenceAndOptimized, AttentionLayouts, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "reference" : "optimized"; });

}  // namespace
}  // namespace deepfin
