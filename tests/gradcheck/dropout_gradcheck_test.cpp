// Dropout's gradient by central differences: f draws its mask from a freshly
// seeded Generator on every call, so forward and finite differences see one mask.
#include "deepfin/ops/dropout.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

TEST(GradcheckDropout, SameMaskForEveryEvaluation) {
  Generator gen(21);
  for (double rate : {0.2, 0.5, 0.8}) {
    auto f = [rate](const std::vector<Tensor>& in) {
      Generator mask_gen(7);
      return dropout(in[0], rate, true, &mask_gen);
    };
    EXPECT_TRUE(gradcheck(f, {random_double({3, 5}, gen)})) << rate;
    EXPECT_TRUE(gradcheck(f, {random_double({5, 3}, gen).transpose(0, 1)})) << rate;
  }
}

}  // namespace
}  // namespace deepfin
