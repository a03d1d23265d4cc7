// The float32 fast path of the fused recurrent ops (vectorized step kernels, the
// fused default-LSTM row, step-major buffers, per-step GEMMs cut into row blocks)
// against the same op in float64, which runs the reference step kernels: outputs
// and every gradient, at the bench's sizes (batch 64 and 1, 64 units) with masks,
// dropout masks and go_backwards, on two threads so the row-block GEMMs are used.
#include <gtest/gtest.h>

#include <vector>

#include "deepfin/base/threads.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/recurrent.h"
#include "deepfin/ops/reductions.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;

enum class Kind { rnn, lstm, gru };

struct Case {
  Kind kind = Kind::lstm;
  int64_t N = 64, T = 6, F = 8, U = 64;
  bool mask = false, dropout = false, go_backwards = false;
};

// Output [sequence, last_h, (last_c)] and the gradients of a weighted sum of them.
std::vector<Tensor> run(const Case& c, const std::vector<Tensor>& in64, const Tensor& weights64, DType dt) {
  std::vector<Tensor> in;
  for (const Tensor& t : in64) {  // fresh leaves, so the two runs share nothing
    Tensor leaf = t.detach().to(dt);
    in.push_back(leaf.set_requires_grad(true));
  }
  Tensor mask, in_drop, rec_drop;
  if (c.mask) {
    std::vector<double> m(static_cast<size_t>(c.N * c.T), 1.0);
    m[1] = m[c.T - 1] = 0.0;    // row 0: masked in the middle and at the end
    if (c.N > 1) m[c.T] = 0.0;  // row 1: the first step masked
    mask = from_vector(m, {c.N, c.T}).to(dt);
  }
  if (c.dropout) {
    Generator gen(9);
    in_drop = random_double({c.N, c.F}, gen, 0.0, 2.0).to(dt);
    rec_drop = random_double({c.N, c.U}, gen, 0.0, 2.0).to(dt);
  }
  const deepfin::RecurrentOptions o{.go_backwards = c.go_backwards};
  deepfin::RecurrentResult r =
      c.kind == Kind::lstm  ? deepfin::lstm(in[0], in[1], in[2], in[3], in[4], in[5], mask, in_drop, rec_drop, o)
      : c.kind == Kind::gru ? deepfin::gru(in[0], in[1], in[2], in[3], in[4], mask, in_drop, rec_drop, o)
                            : deepfin::simple_rnn(in[0], in[1], in[2], in[3], in[4], mask, in_drop, rec_drop, o);
  const Tensor w = weights64.to(dt);
  Tensor loss = sum(r.sequence * w) + sum(r.last_h * w.select(1, 0));
  if (r.last_c.defined()) loss = loss + sum(r.last_c * w.select(1, 1));
  loss.backward();
  std::vector<Tensor> out{r.sequence.to(DType::float64), r.last_h.to(DType::float64)};
  for (const Tensor& t : in) out.push_back(t.grad().to(DType::float64));
  return out;
}

void check(const Case& c) {
  SCOPED_TRACE(::testing::Message() << "kind " << static_cast<int>(c.kind) << " N " << c.N << " mask " << c.mask
                                    << " dropout " << c.dropout << " go_backwards " << c.go_backwards);
  const int64_t G = c.kind == Kind::lstm ? 4 : c.kind == Kind::gru ? 3 : 1;
  Generator gen(4);
  std::vector<Tensor> in{random_double({c.N, c.T, c.F}, gen), random_double({c.F, G * c.U}, gen, -0.5, 0.5),
                         random_double({c.U, G * c.U}, gen, -0.3, 0.3),
                         random_double(c.kind == Kind::gru ? Shape{2, G * c.U} : Shape{G * c.U}, gen),
                         random_double({c.N, c.U}, gen)};
  if (c.kind == Kind::lstm) in.push_back(random_double({c.N, c.U}, gen));
  const Tensor weights = random_double({c.N, c.T, c.U}, gen);
  const std::vector<Tensor> want = run(c, in, weights, DType::float64);
  const std::vector<Tensor> got = run(c, in, weights, DType::float32);
  const char* names[] = {"sequence", "last_h", "dx", "dkernel", "drecurrent_kernel", "dbias", "dh0", "dc0"};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(all_close(got[i], want[i], 2e-4, 2e-4)) << names[i];
}

class RecurrentFastPath : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_threads_ = get_num_threads();
    set_num_threads(2);
  }
  void TearDown() override { set_num_threads(saved_threads_); }
  int saved_threads_ = 1;
};

TEST_F(RecurrentFastPath, LstmBatch64AndBatch1) {
  check({.kind = Kind::lstm});
  check({.kind = Kind::lstm, .N = 1});
}

TEST_F(RecurrentFastPath, LstmMaskedDropoutGoBackwards) {
  check({.kind = Kind::lstm, .mask = true, .dropout = true, .go_backwards = true});
  check({.kind = Kind::lstm, .N = 1, .mask = true});
}

TEST_F(RecurrentFastPath, GruAndSimpleRnn) {
  check({.kind = Kind::gru, .mask = true, .dropout = true});
  check({.kind = Kind::rnn, .go_backwards = true});
}

}  // namespace
}  // namespace deepfin
