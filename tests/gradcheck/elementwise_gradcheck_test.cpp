// Float64 central-difference gradient checks for every element-wise op, over
// plain, broadcast and strided (transposed, step-2 sliced) inputs.
#include <functional>
#include <string>

#include "deepfin/ops/elementwise.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::gradcheck;
using testing::random_double;

using BinaryFn = std::function<Tensor(const Tensor&, const Tensor&)>;

struct BinaryCase {
  std::string name;
  BinaryFn fn;
  double a_low, a_high, b_low, b_high;  // input ranges that keep the op smooth
};

std::vector<BinaryCase> binary_cases() {
  return {
      {"add", [](const Tensor& a, const Tensor& b) { return add(a, b); }, -1, 1, -1, 1},
      {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, -1, 1, -1, 1},
      {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, -1, 1, -1, 1},
      {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); }, -1, 1, 0.5, 1.5},
      {"pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, 0.5, 1.5, -1.5, 1.5},
      {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }, -1, 1, -1, 1},
      {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }, -1, 1, -1, 1},
  };
}

// Shape pairs: equal, broadcast both ways, scalar, and the (3,1,4) x (2,4) case.
const std::vector<std::pair<Shape, Shape>> kShapePairs = {
    {{2, 3}, {2, 3}}, {{3, 1, 4}, {2, 4}}, {{2, 4}, {3, 1, 4}}, {{4}, {}}, {{}, {2, 3}}, {{2, 1}, {1, 3}}, {{5}, {5}},
};

TEST(GradcheckElementwise, BinaryOpsOverBroadcastShapes) {
  Generator gen(11);
  for (const auto& c : binary_cases()) {
    for (const auto& [sa, sb] : kShapePairs) {
      Tensor a = random_double(sa, gen, c.a_low, c.a_high), b = random_double(sb, gen, c.b_low, c.b_high);
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0], in[1]); }, {a, b}))
          << c.name << " " << shape_str(sa) << " " << shape_str(sb);
    }
  }
}

TEST(GradcheckElementwise, BinaryOpsOnStridedInputs) {
  Generator gen(12);
  for (const auto& c : binary_cases()) {
    // a: a transposed view (3, 4); b: every other row of a (6, 4) tensor.
    Tensor a = random_double({4, 3}, gen, c.a_low, c.a_high).transpose(0, 1);
    Tensor b = random_double({6, 4}, gen, c.b_low, c.b_high).slice(0, 0, 6, 2);
    EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0], in[1]); }, {a, b})) << c.name;
  }
}

TEST(GradcheckElementwise, SameTensorOnBothSides) {
  Generator gen(13);
  Tensor x = random_double({3, 2}, gen, 0.5, 1.5);
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return mul(in[0], in[0]); }, {x}));
  EXPECT_TRUE(gradcheck([](const std::vector<Tensor>& in) { return pow(in[0], in[0]); }, {x}));
}

struct UnaryCase {
  std::string name;
  std::function<Tensor(const Tensor&)> fn;
  double low, high;
};

std::vector<UnaryCase> unary_cases() {
  return {
      {"neg", [](const Tensor& x) { return neg(x); }, -1, 1},
      {"exp", [](const Tensor& x) { return exp(x); }, -1, 1},
      {"log", [](const Tensor& x) { return log(x); }, 0.5, 2},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }, 0.5, 2},
      {"abs", [](const Tensor& x) { return abs(x); }, -1, 1},
      {"square", [](const Tensor& x) { return square(x); }, -1, 1},
      {"sin", [](const Tensor& x) { return sin(x); }, -4, 4},
      {"cos", [](const Tensor& x) { return cos(x); }, -4, 4},
      {"clamp", [](const Tensor& x) { return clamp(x, -0.4, 0.5); }, -1, 1},
      {"add_scalar", [](const Tensor& x) { return add(x, 2.5); }, -1, 1},
      {"mul_scalar", [](const Tensor& x) { return mul(x, -1.5); }, -1, 1},
      {"pow_scalar", [](const Tensor& x) { return pow(x, 2.5); }, 0.5, 2},
      {"pow_int_on_negatives", [](const Tensor& x) { return pow(x, 3.0); }, -2, 2},
      {"operators", [](const Tensor& x) { return (2.0 * x - 1.0) / 3.0 + 0.5; }, -1, 1},
  };
}

TEST(GradcheckElementwise, UnaryOps) {
  Generator gen(14);
  for (const auto& c : unary_cases()) {
    for (const Shape& s : std::vector<Shape>{{}, {7}, {2, 3, 2}}) {
      Tensor x = random_double(s, gen, c.low, c.high);
      EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0]); }, {x}))
          << c.name << " " << shape_str(s);
    }
    Tensor strided = random_double({4, 6}, gen, c.low, c.high).slice(1, 0, 6, 2).transpose(0, 1);
    EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return c.fn(in[0]); }, {strided})) << c.name;
  }
}

TEST(GradcheckElementwise, WhereWithBroadcastCondition) {
  Generator gen(15);
  Tensor cond = greater(random_double({3, 1, 4}, gen), zeros({}, DType::float64));
  Tensor a = random_double({2, 4}, gen), b = random_double({4}, gen);
  EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return where(cond, in[0], in[1]); }, {a, b}));
  Tensor at = random_double({4, 2}, gen).transpose(0, 1);
  EXPECT_TRUE(gradcheck([&](const std::vector<Tensor>& in) { return where(cond, in[0], in[1]); }, {at, b}));
}

TEST(GradcheckElementwise, HarnessRejectsAWrongGradient) {
  // 3x forward but 1x backward: gradcheck must notice, or the checks above prove nothing.
  Generator gen(16);
  Tensor x = random_double({3}, gen);
  EXPECT_FALSE(gradcheck([](const std::vector<Tensor>& in) { return add(mul(in[0].detach(), 2.0), in[0]); }, {x}));
}

}  // namespace
}  // namespace deepfin
