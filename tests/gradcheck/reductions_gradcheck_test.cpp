// Float64 gradient checks for sum, mean, max, min, var and std over single and
// multiple axes, with and without keepdims, and on strided inputs.
#include <functional>
#include <string>

#include "deepfin/ops/reductions.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

const std::vector<std::vector<int64_t>> kAxisSets = {{}, {0}, {-1}, {0, 2}, {1, 2}, {0, 1, 2}, {2, 0}};

using AxesFn = std::function<Tensor(const Tensor&, const std::vector<int64_t>&, bool)>;

void check_axes_op(const std::string& name, const AxesFn& fn, uint64_t seed) {
  Generator gen(seed);
  for (const auto& axes : kAxisSets) {
    for (bool keepdims : {false, true}) {
      Tensor x = random_double({2, 3, 4}, gen);
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return fn(in[0], axes, keepdims); }, {x}))
          << name << " axes size " << axes.size() << " keepdims " << keepdims;
    }
  }
  // Strided: a permuted view, and a step-2 slice.
  Tensor permuted = random_double({4, 2, 3}, gen).permute({1, 2, 0});
  Tensor stepped = random_double({2, 6, 4}, gen).slice(1, 0, 6, 2);
  for (const Tensor& x : {permuted, stepped}) {
    EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return fn(in[0], {0, 2}, false); }, {x})) << name;
    EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return fn(in[0], {1}, true); }, {x})) << name;
  }
}

TEST(GradcheckReductions, Sum) {
  check_axes_op(
      "sum", [](const Tensor& x, const auto& axes, bool keep) { return sum(x, axes, keep); }, 31);
}

TEST(GradcheckReductions, Mean) {
  check_axes_op(
      "mean", [](const Tensor& x, const auto& axes, bool keep) { return mean(x, axes, keep); }, 32);
}

TEST(GradcheckReductions, VarPopulationAndUnbiased) {
  check_axes_op(
      "var", [](const Tensor& x, const auto& axes, bool keep) { return var(x, axes, keep); }, 33);
  check_axes_op(
      "var_unbiased", [](const Tensor& x, const auto& axes, bool keep) { return var(x, axes, keep, true); }, 34);
}

TEST(GradcheckReductions, StdPopulationAndUnbiased) {
  check_axes_op(
      "std", [](const Tensor& x, const auto& axes, bool keep) { return std(x, axes, keep); }, 35);
  check_axes_op(
      "std_unbiased", [](const Tensor& x, const auto& axes, bool keep) { return std(x, axes, keep, true); }, 36);
}

TEST(GradcheckReductions, MaxAndMinOverEachAxis) {
  Generator gen(37);
  for (int64_t axis : {0, 1, 2, -1}) {
    for (bool keepdims : {false, true}) {
      Tensor x = random_double({2, 3, 4}, gen);
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return max(in[0], axis, keepdims); }, {x}));
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return min(in[0], axis, keepdims); }, {x}));
    }
  }
  Tensor strided = random_double({4, 3}, gen).transpose(0, 1);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return max(in[0], 1); }, {strided}));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return min(in[0], 0); }, {strided}));
}

}  // namespace
}  // namespace deepfin
