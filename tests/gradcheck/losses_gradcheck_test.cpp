// Float64 central-difference gradient checks for every fused loss, with and
// without sample weights, on (N, C) and (N, T, C) shapes and strided inputs.
// Targets and weights are checked too: their gradients are part of each loss.
#include <functional>
#include <string>
#include <vector>

#include "deepfin/ops/losses.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

using LossFn = std::function<Tensor(const Tensor&, const Tensor&, const Tensor&)>;

struct LossCase {
  std::string name;
  LossFn fn;
  double pred_low, pred_high, target_low, target_high;  // ranges that avoid clipping and kinks
};

std::vector<LossCase> dense_cases() {
  return {
      {"softmax_cross_entropy", [](auto& p, auto& t, auto& w) { return softmax_cross_entropy(p, t, w); }, -3, 3, 0, 1},
      {"categorical_cross_entropy", [](auto& p, auto& t, auto& w) { return categorical_cross_entropy(p, t, w); }, 0.1,
       1, 0, 1},
      {"sigmoid_binary_cross_entropy", [](auto& p, auto& t, auto& w) { return sigmoid_binary_cross_entropy(p, t, w); },
       -4, 4, 0, 1},
      {"binary_cross_entropy", [](auto& p, auto& t, auto& w) { return binary_cross_entropy(p, t, w); }, 0.05, 0.95, 0,
       1},
      {"mse_loss", [](auto& p, auto& t, auto& w) { return mse_loss(p, t, w); }, -2, 2, -2, 2},
      {"mae_loss", [](auto& p, auto& t, auto& w) { return mae_loss(p, t, w); }, -2, 2, -2, 2},
      {"huber_loss", [](auto& p, auto& t, auto& w) { return huber_loss(p, t, 0.7, w); }, -2, 2, -2, 2},
      {"qlike_loss", [](auto& p, auto& t, auto& w) { return qlike_loss(p, t, w); }, -2, 2, 0.1, 3},
  };
}

TEST(GradcheckLosses, EveryLossWithAndWithoutWeights) {
  Generator gen(11);
  for (const LossCase& c : dense_cases()) {
    for (const Shape& shape : {Shape{3, 4}, Shape{2, 3, 4}}) {
      Tensor p = random_double(shape, gen, c.pred_low, c.pred_high);
      Tensor t = random_double(shape, gen, c.target_low, c.target_high);
      auto unweighted = [&c](const std::vector<Tensor>& in) { return c.fn(in[0], in[1], Tensor()); };
      EXPECT_TRUE(gradcheck(unweighted, {p, t})) << c.name << " " << shape_str(shape);
      Tensor w = random_double({shape[0]}, gen, 0.2, 2.0);
      auto weighted = [&c](const std::vector<Tensor>& in) { return c.fn(in[0], in[1], in[2]); };
      EXPECT_TRUE(gradcheck(weighted, {p, t, w})) << c.name << " weighted " << shape_str(shape);
    }
  }
}

TEST(GradcheckLosses, StridedPredictions) {
  Generator gen(12);
  for (const LossCase& c : dense_cases()) {
    Tensor p = random_double({4, 3}, gen, c.pred_low, c.pred_high).transpose(0, 1);  // (3, 4), strided
    Tensor t = random_double({3, 8}, gen, c.target_low, c.target_high).slice(1, 0, 8, 2);
    auto f = [&c](const std::vector<Tensor>& in) { return c.fn(in[0], in[1], Tensor()); };
    EXPECT_TRUE(gradcheck(f, {p, t})) << c.name;
  }
}

TEST(GradcheckLosses, SparseSoftmaxCrossEntropy) {
  Generator gen(13);
  Tensor labels = from_vector(std::vector<int64_t>{2, 0, 3}, {3});
  auto f = [labels](const std::vector<Tensor>& in) { return sparse_softmax_cross_entropy(in[0], labels); };
  EXPECT_TRUE(gradcheck(f, {random_double({3, 4}, gen, -3, 3)}));
  EXPECT_TRUE(gradcheck(f, {random_double({4, 3}, gen, -3, 3).transpose(0, 1)}));
  auto fw = [labels](const std::vector<Tensor>& in) { return sparse_softmax_cross_entropy(in[0], labels, in[1]); };
  EXPECT_TRUE(gradcheck(fw, {random_double({3, 4}, gen, -3, 3), random_double({3}, gen, 0.2, 2)}));
  Tensor seq_labels = from_vector(std::vector<int64_t>{0, 1, 2, 1, 1, 0}, {2, 3});
  auto fs = [seq_labels](const std::vector<Tensor>& in) { return sparse_softmax_cross_entropy(in[0], seq_labels); };
  EXPECT_TRUE(gradcheck(fs, {random_double({2, 3, 3}, gen, -3, 3)}));
}

TEST(GradcheckLosses, LargeLogitsStayAccurate) {
  // Logits in the hundreds: exp() would overflow without the max subtraction.
  Generator gen(14);
  Tensor logits = random_double({2, 3}, gen, -500, 500);
  Tensor targets = random_double({2, 3}, gen, 0, 1);
  auto f = [](const std::vector<Tensor>& in) { return softmax_cross_entropy(in[0], in[1]); };
  EXPECT_TRUE(gradcheck(f, {logits, targets}));
  auto g = [](const std::vector<Tensor>& in) { return sigmoid_binary_cross_entropy(in[0], in[1]); };
  EXPECT_TRUE(gradcheck(g, {random_double({2, 3}, gen, -500, 500), targets}));
}

}  // namespace
}  // namespace deepfin
