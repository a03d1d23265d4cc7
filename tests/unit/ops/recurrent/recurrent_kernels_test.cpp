// Optimized float32 recurrent step kernels against the reference kernels over a
// grid of shapes (N = 1, T = 1, odd U, with and without masks), every cell and
// activation, forward and backward; and the fast exp against std::exp.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/cpu/opt/recurrent_opt.h"
#include "kernels/recurrent_slots.h"

namespace deepfin::kernels {
namespace {

struct Buffers {
  std::vector<float> pre, rec, mask, h_prev, c_prev, out_prev, dh, dc;
};

std::vector<float> random_values(int64_t n, std::mt19937& rng, float low = -2.0f, float high = 2.0f) {
  std::uniform_real_distribution<float> d(low, high);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], 2e-6 + 2e-5 * std::fabs(b[i])) << what << " element " << i;
}

// Runs forward with `fwd` and then backward with `bwd` on the same inputs.
struct StepRun {
  std::vector<float> h, c, out, saved, dpre, dpre_rec, dh_prev, dc;
};

StepRun run_step(RnnCell cell, RnnActivation act, RnnActivation ract, int64_t N, int64_t U, const Buffers& in,
                 bool masked, RnnStepForwardFn<float>* fwd, RnnStepBackwardFn<float>* bwd) {
  const int64_t GU = rnn_gate_count(cell) * U, SW = rnn_saved_width(cell) * U;
  StepRun r;
  r.h.assign(N * U, 0.f);
  r.c.assign(N * U, 0.f);
  r.out.assign(N * U, 0.f);
  r.saved.assign(N * SW, 0.f);
  RnnStepForward<float> f;
  f.batch = N;
  f.units = U;
  f.activation = act;
  f.recurrent_activation = ract;
  f.pre = in.pre.data();
  f.pre_stride = GU;
  f.rec = in.rec.data();
  f.mask = masked ? in.mask.data() : nullptr;
  f.mask_stride = 1;
  f.h_prev = in.h_prev.data();
  f.h = r.h.data();
  f.c_prev = in.c_prev.data();
  f.c = r.c.data();
  f.out_prev = in.out_prev.data();
  f.out_prev_stride = U;
  f.out = r.out.data();
  f.out_stride = U;
  f.saved = r.saved.data();
  f.saved_stride = SW;
  fwd(cell, f);
  r.dpre.assign(N * GU, 0.f);
  r.dpre_rec.assign(N * GU, 0.f);
  r.dh_prev.assign(N * U, 0.f);
  r.dc = in.dc;
  RnnStepBackward<float> b;
  b.batch = N;
  b.units = U;
  b.activation = act;
  b.recurrent_activation = ract;
  b.mask = f.mask;
  b.mask_stride = 1;
  b.saved = r.saved.data();
  b.saved_stride = SW;
  b.h_prev = in.h_prev.data();
  b.c_prev = in.c_prev.data();
  b.dh = in.dh.data();
  b.dc = r.dc.data();
  b.dh_prev = r.dh_prev.data();
  b.dpre = r.dpre.data();
  b.dpre_stride = GU;
  b.dpre_rec = r.dpre_rec.data();
  b.dpre_rec_stride = GU;
  bwd(cell, b);
  return r;
}

void compare_over_shapes(RnnCell cell) {
  std::mt19937 rng(5);
  const auto& fs = rnn_step_forward_slot<float>();
  const auto& bs = rnn_step_backward_slot<float>();
  ASSERT_TRUE(fs.has_optimized());
  ASSERT_TRUE(bs.has_optimized());
  const std::pair<RnnActivation, RnnActivation> acts[] = {{RnnActivation::tanh, RnnActivation::sigmoid},
                                                          {RnnActivation::relu, RnnActivation::sigmoid},
                                                          {RnnActivation::sigmoid, RnnActivation::tanh},
                                                          {RnnActivation::linear, RnnActivation::linear}};
  for (int64_t N : {1, 3, 64})
    for (int64_t U : {1, 5, 16, 64})
      for (bool masked : {false, true})
        for (const auto& [act, ract] : acts) {
          SCOPED_TRACE(::testing::Message() << "cell " << static_cast<int>(cell) << " N " << N << " U " << U
                                            << " masked " << masked << " act " << static_cast<int>(act));
          const int64_t GU = rnn_gate_count(cell) * U;
          Buffers in{random_values(N * GU, rng), random_values(N * GU, rng), random_values(N, rng, 0.f, 1.f),
                     random_values(N * U, rng),  random_values(N * U, rng),  random_values(N * U, rng),
                     random_values(N * U, rng),  random_values(N * U, rng)};
          for (float& m : in.mask) m = m < 0.3f ? 0.f : 1.f;
          const StepRun ref = run_step(cell, act, ract, N, U, in, masked, fs.reference(), bs.reference());
          const StepRun opt = run_step(cell, act, ract, N, U, in, masked, fs.optimized(), bs.optimized());
          expect_close(opt.h, ref.h, "h");
          expect_close(opt.out, ref.out, "out");
          if (cell == RnnCell::lstm) expect_close(opt.c, ref.c, "c");
          expect_close(opt.dpre, ref.dpre, "dpre");
          if (cell == RnnCell::gru) expect_close(opt.dpre_rec, ref.dpre_rec, "dpre_rec");
          expect_close(opt.dh_prev, ref.dh_prev, "dh_prev");
          if (cell == RnnCell::lstm) expect_close(opt.dc, ref.dc, "dc");
        }
}

TEST(RecurrentKernels, OptimizedMatchesReferenceSimpleRnn) {
  compare_over_shapes(RnnCell::simple);
}
TEST(RecurrentKernels, OptimizedMatchesReferenceLstm) {
  compare_over_shapes(RnnCell::lstm);
}
TEST(RecurrentKernels, OptimizedMatchesReferenceGru) {
  compare_over_shapes(RnnCell::gru);
}

TEST(RecurrentKernels, MaskedRowKeepsStateAndRepeatsOutput) {
  // One LSTM row, masked: h, c copied, out = out_prev, gradients pass straight through.
  std::mt19937 rng(2);
  const int64_t U = 3;
  Buffers in{random_values(4 * U, rng), random_values(4 * U, rng), {0.f},
             random_values(U, rng),     random_values(U, rng),     random_values(U, rng),
             random_values(U, rng),     random_values(U, rng)};
  for (auto* fwd : {rnn_step_forward_slot<float>().reference(), rnn_step_forward_slot<float>().optimized()}) {
    const StepRun r = run_step(RnnCell::lstm, RnnActivation::tanh, RnnActivation::sigmoid, 1, U, in, true, fwd,
                               rnn_step_backward_slot<float>().reference());
    EXPECT_EQ(r.h, in.h_prev);
    EXPECT_EQ(r.c, in.c_prev);
    EXPECT_EQ(r.out, in.out_prev);
    EXPECT_EQ(r.dh_prev, in.dh);
    EXPECT_EQ(r.dc, in.dc);
    EXPECT_EQ(r.dpre, std::vector<float>(4 * U, 0.f));
  }
}

TEST(RecurrentKernels, FastExpMatchesStdExp) {
  std::vector<float> x;
  for (float v = -87.0f; v <= 88.0f; v += 0.0137f) x.push_back(v);
  std::vector<float> y(x.size());
  opt::fast_exp(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = std::exp(static_cast<double>(x[i]));
    ASSERT_NEAR(y[i], want, 4e-7 * want + 1e-37) << "x = " << x[i];
  }
}

}  // namespace
}  // namespace deepfin::kernels
