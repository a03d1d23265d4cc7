// deepfin::attention against independent oracles: a hand-computed case, the same
// math composed from deepfin's matmul + softmax (values and autograd gradients),
// invariants (a masked key is a removed key, causal = lower-triangular mask,
// rows of scores sum to 1), dropout's exact form and reproducibility, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "deepfin/core/random.h"
#include "deepfin/ops/activations.h"
#include "deepfin/ops/attention.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/reductions.h"
#include "deepfin/ops/shape_ops.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using deepfin::AttentionOptions;
using testing::all_close;
using testing::random_double;

// softmax(q kᵀ · scale + bias) v from primitive ops; bias = 0 where mask is 1, -1e9 where 0.
Tensor composed(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double scale) {
  Tensor s = mul(matmul(q, k.transpose(2, 3)), scale);
  if (mask.defined()) s = add(s, mul(add(mask, -1.0), 1e9));
  return matmul(softmax(s, -1), v);
}

// (tq, tk) with 1 where key j <= query i.
Tensor lower_triangle(int64_t tq, int64_t tk, DType dt) {
  Tensor m = zeros({tq, tk}, dt);
  for (int64_t i = 0; i < tq; ++i)
    for (int64_t j = 0; j <= std::min(i, tk - 1); ++j) m.set({i, j}, 1.0);
  return m;
}

// Gradients of sum(f(q, k, v) * R) w.r.t. q, k, v, followed by the output.
template <class F>
std::vector<Tensor> output_and_grads(F f, const std::vector<Tensor>& qkv, const Tensor& R) {
  std::vector<Tensor> leaves;
  for (const Tensor& t : qkv) leaves.push_back(t.detach().clone().set_requires_grad());
  const Tensor out = f(leaves[0], leaves[1], leaves[2]);
  sum(mul(out, R)).backward();
  return {out.detach(), leaves[0].grad(), leaves[1].grad(), leaves[2].grad()};
}

struct AttentionCase {
  std::string name;
  int64_t B, H, Tq, Tk, Dk, Dv;
  std::string mask;  // "", "padding" (B,1,1,Tk), "2d" (Tq,Tk), "causal"
};

TEST(AttentionOp, HandComputedTwoKeys) {
  // Dk = 1, scale 1: scores (0, ln 3) -> probabilities (1/4, 3/4); v = (4, 8) -> 1 + 6 = 7.
  const Tensor q = from_vector(std::vector<double>{1.0}, {1, 1, 1, 1});
  const Tensor k = from_vector(std::vector<double>{0.0, std::log(3.0)}, {1, 1, 2, 1});
  const Tensor v = from_vector(std::vector<double>{4.0, 8.0}, {1, 1, 2, 1});
  auto [out, scores] = deepfin::attention_with_scores(q, k, v, {}, {.scale = 1.0});
  EXPECT_NEAR(out.item(), 7.0, 1e-12);
  EXPECT_NEAR(scores.at({0, 0, 0, 0}), 0.25, 1e-12);
  EXPECT_NEAR(scores.at({0, 0, 0, 1}), 0.75, 1e-12);
  // Default scale 1/sqrt(Dk), Dk = 4: q = ones, k1 = (ln 3 / 2) * ones -> score ln 3 again.
  const double c = std::log(3.0) / 2.0;
  const Tensor k4 = from_vector(std::vector<double>{0, 0, 0, 0, c, c, c, c}, {1, 1, 2, 4});
  EXPECT_NEAR(deepfin::attention(ones({1, 1, 1, 4}, DType::float64), k4, v).item(), 7.0, 1e-12);
}

TEST(AttentionOp, MatchesComposedOpsValuesAndGradients) {
  const std::vector<AttentionCase> cases = {{"plain", 2, 3, 5, 7, 4, 6, ""},
                                            {"padding", 2, 2, 6, 5, 3, 4, "padding"},
                                            {"mask2d", 1, 2, 4, 6, 5, 3, "2d"},
                                            {"causal", 2, 1, 7, 7, 4, 4, "causal"},
                                            {"causal_rect", 1, 2, 4, 9, 3, 2, "causal"},
                                            {"single", 1, 1, 1, 1, 1, 1, ""},
                                            {"long", 1, 2, 70, 140, 8, 8, "padding"}};
  for (DType dt : {DType::float64, DType::float32}) {
    for (const AttentionCase& c : cases) {
      Generator gen(7 + c.Tq * 3 + c.Tk);
      const Tensor q = random_double({c.B, c.H, c.Tq, c.Dk}, gen).to(dt);
      const Tensor k = random_double({c.B, c.H, c.Tk, c.Dk}, gen).to(dt);
      const Tensor v = random_double({c.B, c.H, c.Tk, c.Dv}, gen).to(dt);
      const Tensor R = random_double({c.B, c.H, c.Tq, c.Dv}, gen).to(dt);
      Tensor mask;
      AttentionOptions o;
      if (c.mask == "padding") {
        mask = ones({c.B, 1, 1, c.Tk}, dt);
        for (int64_t b = 0; b < c.B; ++b) mask.set({b, 0, 0, (b + 1) % c.Tk}, 0.0);
      } else if (c.mask == "2d") {
        mask = ones({c.Tq, c.Tk}, dt);
        mask.set({1, 2}, 0.0);
        mask.set({3, 0}, 0.0);
        mask.set({3, 5}, 0.0);
      } else if (c.mask == "causal") {
        o.causal = true;
      }
      const Tensor oracle_mask = o.causal ? lower_triangle(c.Tq, c.Tk, dt) : mask;
      const double scale = 1.0 / std::sqrt(static_cast<double>(c.Dk));
      const auto fused = output_and_grads(
          [&](const Tensor& a, const Tensor& b, const Tensor& d) { return deepfin::attention(a, b, d, mask, o); },
          {q, k, v}, R);
      const auto oracle = output_and_grads(
          [&](const Tensor& a, const Tensor& b, const Tensor& d) { return composed(a, b, d, oracle_mask, scale); },
          {q, k, v}, R);
      const double atol = dt == DType::float64 ? 1e-11 : 2e-5, rtol = dt == DType::float64 ? 1e-9 : 2e-4;
      const char* what[] = {"out", "dq", "dk", "dv"};
      for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(all_close(fused[i], oracle[i], atol, rtol)) << c.name << " " << dtype_name(dt) << " " << what[i];
    }
  }
}

TEST(AttentionOp, MaskedKeyEqualsRemovedKey) {
  Generator gen(3);
  const Tensor q = random_double({1, 2, 4, 3}, gen), k = random_double({1, 2, 5, 3}, gen),
               v = random_double({1, 2, 5, 2}, gen);
  Tensor mask = ones({5});  // float32 mask on float64 inputs: any dtype works
  mask.set({2}, 0.0);
  const Tensor kept_k = concat({k.slice(2, 0, 2), k.slice(2, 3, 5)}, 2);
  const Tensor kept_v = concat({v.slice(2, 0, 2), v.slice(2, 3, 5)}, 2);
  EXPECT_TRUE(all_close(deepfin::attention(q, k, v, mask), deepfin::attention(q, kept_k, kept_v), 1e-13, 1e-12));
}

TEST(AttentionOp, FullyMaskedRowOutputsZeroAndPassesNoGradient) {
  Generator gen(4);
  const Tensor q = random_double({1, 1, 3, 2}, gen).set_requires_grad();
  const Tensor k = random_double({1, 1, 4, 2}, gen).set_requires_grad();
  const Tensor v = random_double({1, 1, 4, 2}, gen).set_requires_grad();
  Tensor mask = ones({3, 4}, DType::int64);
  for (int64_t j = 0; j < 4; ++j) mask.set({1, j}, 0.0);  // query 1 sees nothing
  const auto [out, scores] = deepfin::attention_with_scores(q, k, v, mask);
  sum(out).backward();
  for (int64_t d = 0; d < 2; ++d) {
    EXPECT_EQ(out.at({0, 0, 1, d}), 0.0);
    EXPECT_EQ(q.grad().at({0, 0, 1, d}), 0.0);
  }
  for (double x : k.grad().to_vector<double>()) EXPECT_TRUE(std::isfinite(x));
  for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(scores.at({0, 0, 1, j}), 0.0);
  EXPECT_NEAR(sum(scores.select(2, 0)).item(), 1.0, 1e-12);
}

TEST(AttentionOp, ScoresAreTheSoftmaxAndCarryNoGradient) {
  Generator gen(5);
  const Tensor q = random_double({2, 2, 3, 4}, gen).set_requires_grad();
  const Tensor k = random_double({2, 2, 5, 4}, gen), v = random_double({2, 2, 5, 3}, gen);
  const auto [out, scores] = deepfin::attention_with_scores(q, k, v, {}, {.causal = true});
  const Tensor expected = softmax(
      add(mul(matmul(q, k.transpose(2, 3)), 0.5), mul(add(lower_triangle(3, 5, DType::float64), -1.0), 1e9)), -1);
  EXPECT_TRUE(all_close(scores, expected.detach(), 1e-13, 1e-12));
  EXPECT_FALSE(scores.requires_grad());
  EXPECT_TRUE(out.requires_grad());
}

TEST(AttentionOp, DropoutScalesKeptProbabilitiesAndRepeatsWithTheSeed) {
  // v = identity (Tk = Dv) makes out = P ⊙ Z, so each element is 0 or P / (1 - rate).
  const int64_t T = 40;
  Generator gen(6);
  const Tensor q = random_double({2, 2, T, 4}, gen), k = random_double({2, 2, T, 4}, gen);
  Tensor eye = zeros({T, T}, DType::float64);
  for (int64_t i = 0; i < T; ++i) eye.set({i, i}, 1.0);
  const Tensor v = eye.reshape({1, 1, T, T}).broadcast_to({2, 2, T, T});
  const double rate = 0.25;
  const AttentionOptions o{.dropout = rate, .training = true};
  set_random_seed(11);
  const auto [out, probs] = deepfin::attention_with_scores(q, k, v, {}, o);
  const std::vector<double> o_values = out.to_vector<double>(), p_values = probs.to_vector<double>();
  int64_t dropped = 0;
  for (size_t e = 0; e < o_values.size(); ++e) {
    if (o_values[e] == 0.0) {
      ++dropped;
      continue;
    }
    ASSERT_NEAR(o_values[e], p_values[e] / (1.0 - rate), 1e-14) << e;
  }
  EXPECT_NEAR(static_cast<double>(dropped) / o_values.size(), rate, 0.03);
  // Same seed, same decisions (through the memory-efficient path too); another seed differs.
  set_random_seed(11);
  const Tensor again = deepfin::attention_with_scores(q, k, v, {}, o).first;
  EXPECT_TRUE(all_close(again, out, 0, 0));
  set_random_seed(11);
  EXPECT_TRUE(all_close(deepfin::attention(q, k, v, {}, o), out, 1e-15, 0));
  set_random_seed(12);
  EXPECT_FALSE(all_close(deepfin::attention(q, k, v, {}, o), out, 1e-6, 0));
  // Not training: no dropout at all.
  EXPECT_TRUE(all_close(deepfin::attention(q, k, v, {}, {.dropout = rate}), probs, 1e-14, 0));
}

TEST(AttentionOp, Float32DropoutMatchesFloat64Decisions) {
  Generator gen(8);
  const Tensor q = random_double({1, 2, 9, 4}, gen), k = random_double({1, 2, 70, 4}, gen),
               v = random_double({1, 2, 70, 3}, gen);
  const AttentionOptions o{.dropout = 0.4, .training = true};
  set_random_seed(21);
  const Tensor d = deepfin::attention(q, k, v, {}, o);
  set_random_seed(21);
  const Tensor f = deepfin::attention(q.to(DType::float32), k.to(DType::float32), v.to(DType::float32), {}, o);
  EXPECT_TRUE(all_close(f.to(DType::float64), d, 2e-5, 2e-4));
}

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(AttentionOp, BadInputsGiveClearErrors) {
  const Tensor q = zeros({2, 3, 4, 5}), k = zeros({2, 3, 6, 5}), v = zeros({2, 3, 6, 7});
  EXPECT_EQ(error_of([&] {
              deepfin::attention(q, zeros({2, 3, 6, 4}), v);
            }),
            "attention: shapes do not fit: q (2, 3, 4, 5), k (2, 3, 6, 4), v (2, 3, 6, 7); need q (B, H, Tq, Dk), "
            "k (B, H, Tk, Dk), v (B, H, Tk, Dv)");
  EXPECT_EQ(error_of([&] {
              deepfin::attention(zeros({4, 5}), k, v);
            }),
            "attention: q must be 4-D (batch, heads, time, depth), got (4, 5)");
  EXPECT_EQ(error_of([&] {
              deepfin::attention(q, k, zeros({2, 3, 6, 7}, DType::float64));
            }),
            "attention: q, k and v must share a dtype, got float32, float32 and float64");
  EXPECT_EQ(error_of([&] {
              deepfin::attention(q, k, v, ones({2, 1, 1, 5}));
            }),
            "attention: mask (2, 1, 1, 5) does not broadcast to (B, H, Tq, Tk) = (2, 3, 4, 6) (q (2, 3, 4, 5), k (2, "
            "3, 6, 5))");
  EXPECT_EQ(error_of([&] { deepfin::attention(q, k, v, {}, {.dropout = 1.0}); }),
            "attention: dropout must be in [0, 1), got 1");
  EXPECT_EQ(error_of([&] { deepfin::attention(q.to(DType::int64), k, v); }).substr(0, 10), "attention:");
}

}  // namespace
}  // namespace deepfin
