// Fused attention: the hand-written (FlashAttention-style) backward against
// central differences in float64 for q, k and v: plain, with a padding mask, a
// full mask with a fully masked row, causal (square and Tq != Tk), a custom
// scale, and dropout at a fixed seed (every evaluation re-seeds, so all draw the
// same keep/drop decisions).
#include "deepfin/core/random.h"
#include "deepfin/ops/attention.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using deepfin::AttentionOptions;
using testing::gradcheck;
using testing::random_double;

struct AttentionCase {
  int64_t B = 2, H = 2, Tq = 3, Tk = 4, Dk = 3, Dv = 2;
  Tensor mask{};
  AttentionOptions options{};
};

void check_attention(const AttentionCase& c, uint64_t seed) {
  Generator gen(seed);
  std::vector<Tensor> inputs{random_double({c.B, c.H, c.Tq, c.Dk}, gen), random_double({c.B, c.H, c.Tk, c.Dk}, gen),
                             random_double({c.B, c.H, c.Tk, c.Dv}, gen)};
  const auto f = [&](const std::vector<Tensor>& x) {
    set_random_seed(1234);  // the dropout seed is drawn at forward time
    return deepfin::attention(x[0], x[1], x[2], c.mask, c.options);
  };
  EXPECT_TRUE(gradcheck(f, inputs));
}

TEST(GradcheckAttention, Plain) {
  check_attention({}, 1);
  check_attention({.B = 1, .H = 1, .Tq = 1, .Tk = 1, .Dk = 1, .Dv = 1}, 2);
}

TEST(GradcheckAttention, PaddingMask) {
  Tensor mask = ones({2, 1, 1, 4}, DType::float64);
  mask.set({0, 0, 0, 1}, 0.0);
  mask.set({1, 0, 0, 3}, 0.0);
  check_attention({.mask = mask}, 3);
}

TEST(GradcheckAttention, FullMaskWithFullyMaskedRow) {
  Tensor mask = ones({2, 2, 3, 4}, DType::float64);
  for (int64_t j = 0; j < 4; ++j) mask.set({1, 0, 2, j}, 0.0);
  mask.set({0, 1, 0, 2}, 0.0);
  check_attention({.mask = mask}, 4);
}

TEST(GradcheckAttention, Causal) {
  check_attention({.Tq = 4, .Tk = 4, .options = {.causal = true}}, 5);
  check_attention({.Tq = 3, .Tk = 5, .options = {.causal = true}}, 6);
}

TEST(GradcheckAttention, CustomScale) {
  check_attention({.options = {.scale = 0.8}}, 7);
}

TEST(GradcheckAttention, DropoutAtFixedSeed) {
  check_attention({.Tq = 4, .Tk = 5, .options = {.dropout = 0.3, .training = true}}, 8);
  Tensor mask = ones({1, 1, 4, 5}, DType::float64);
  mask.set({0, 0, 1, 0}, 0.0);
  check_attention({.Tq = 4, .Tk = 5, .mask = mask, .options = {.causal = true, .dropout = 0.5, .training = true}}, 9);
}

}  // namespace
}  // namespace deepfin
