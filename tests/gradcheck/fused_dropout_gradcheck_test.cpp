// dropout_add and activation_dropout gradients by central differences: f draws
// its key from a freshly seeded Generator on every call, so every evaluation sees
// one mask.
#include "deepfin/ops/fused_dropout.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

// Values at least 0.1 from relu's kink at 0.
Tensor away_from_zero(const Tensor& x) {
  std::vector<double> v = x.to_vector<double>();
  for (double& e : v) e += e < 0.0 ? -0.1 : 0.1;
  return from_vector(v, x.shape());
}

TEST(GradcheckFusedDropout, DropoutAdd) {
  Generator gen(31);
  for (double rate : {0.0, 0.3}) {
    auto f = [rate](const std::vector<Tensor>& in) {
      Generator key(9);
      return dropout_add(in[0], in[1], rate, true, &key);
    };
    EXPECT_TRUE(gradcheck(f, {random_double({4, 6}, gen), random_double({4, 6}, gen)})) << rate;
    EXPECT_TRUE(gradcheck(f, {random_double({6, 4}, gen).transpose(0, 1), random_double({4, 6}, gen)})) << rate;
  }
}

TEST(GradcheckFusedDropout, ActivationDropout) {
  Generator gen(32);
  for (const char* act : {"gelu", "relu", "linear"})
    for (double rate : {0.0, 0.4}) {
      auto f = [act, rate](const std::vector<Tensor>& in) {
        Generator key(10);
        return activation_dropout(in[0], act, rate, true, &key);
      };
      EXPECT_TRUE(gradcheck(f, {away_from_zero(random_double({5, 7}, gen, -2.0, 2.0))})) << act << " " << rate;
    }
}

}  // namespace
}  // namespace deepfin
