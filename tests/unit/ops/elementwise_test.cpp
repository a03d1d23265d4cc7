// Values, broadcasting, dtype rules and error messages of the element-wise ops.
#include "deepfin/ops/elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/reductions.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

// Runs f, expects exception E, and checks its message names `op`.
template <class E, class F>
void expect_error_naming(F f, const std::string& op, const std::string& also = "") {
  try {
    f();
    ADD_FAILURE() << "expected an exception from " << op;
  } catch (const E& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(op), std::string::npos) << msg;
    if (!also.empty()) {
      EXPECT_NE(msg.find(also), std::string::npos) << msg;
    }
  }
}

TEST(Elementwise, BroadcastAddMatchesHandLoop) {
  Generator gen(1);
  Tensor a = testing::random_double({3, 1, 4}, gen), b = testing::random_double({2, 4}, gen);
  Tensor out = add(a, b);
  ASSERT_EQ(out.shape(), (Shape{3, 2, 4}));
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(out.at({i, j, k}), a.at({i, 0, k}) + b.at({j, k}));
}

TEST(Elementwise, ArithmeticOnSmallHandCases) {
  Tensor a = from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2});
  Tensor b = from_vector(std::vector<float>{2, 2, 0.5, -1}, {2, 2});
  EXPECT_EQ(sub(a, b).to_vector<float>(), (std::vector<float>{-1, 0, 2.5, 5}));
  EXPECT_EQ(mul(a, b).to_vector<float>(), (std::vector<float>{2, 4, 1.5, -4}));
  EXPECT_EQ(div(a, b).to_vector<float>(), (std::vector<float>{0.5, 1, 6, -4}));
  EXPECT_EQ(pow(a, b).to_vector<float>(), (std::vector<float>{1, 4, std::sqrt(3.0f), 0.25}));
  EXPECT_EQ(maximum(a, b).to_vector<float>(), (std::vector<float>{2, 2, 3, 4}));
  EXPECT_EQ(minimum(a, b).to_vector<float>(), (std::vector<float>{1, 2, 0.5, -1}));
  EXPECT_EQ(greater(a, b).to_vector<float>(), (std::vector<float>{0, 0, 1, 1}));
  EXPECT_EQ(less(a, b).to_vector<float>(), (std::vector<float>{1, 0, 0, 0}));
  EXPECT_EQ(equal(a, b).to_vector<float>(), (std::vector<float>{0, 1, 0, 0}));
  EXPECT_EQ((a * 2.0 + 1.0).to_vector<float>(), (std::vector<float>{3, 5, 7, 9}));
  EXPECT_EQ((1.0 + a / 2.0 - 0.5).to_vector<float>(), (std::vector<float>{1, 1.5, 2, 2.5}));
  EXPECT_EQ((-a).to_vector<float>(), (std::vector<float>{-1, -2, -3, -4}));
  EXPECT_EQ(pow(a, 2.0).to_vector<float>(), (std::vector<float>{1, 4, 9, 16}));
}

TEST(Elementwise, UnaryMathOnHandCases) {
  Tensor x = from_vector(std::vector<double>{-2, -0.5, 0, 1, 4}, {5});
  EXPECT_EQ(abs(x).to_vector<double>(), (std::vector<double>{2, 0.5, 0, 1, 4}));
  EXPECT_EQ(square(x).to_vector<double>(), (std::vector<double>{4, 0.25, 0, 1, 16}));
  EXPECT_EQ(clamp(x, -1, 1).to_vector<double>(), (std::vector<double>{-1, -0.5, 0, 1, 1}));
  EXPECT_DOUBLE_EQ(exp(x).at({3}), M_E);
  EXPECT_DOUBLE_EQ(sqrt(x).at({4}), 2.0);
  EXPECT_DOUBLE_EQ(log(x).at({3}), 0.0);
  EXPECT_TRUE(std::isnan(log(x).at({0})));
  EXPECT_DOUBLE_EQ(sin(x).at({0}), std::sin(-2.0));
  EXPECT_DOUBLE_EQ(cos(x).at({1}), std::cos(-0.5));
  EXPECT_EQ(sin(x).at({2}), 0.0);
  EXPECT_EQ(cos(x).at({2}), 1.0);
}

TEST(Elementwise, StridedInputsReadThroughTheirStrides) {
  Tensor base = arange(0, 12, 1, DType::float32).reshape({3, 4});
  Tensor t = base.transpose(0, 1);                                             // (4, 3), t[i][j] = 4j + i
  Tensor out = add(t, base.slice(1, 0, 4, 2).transpose(0, 1).slice(0, 0, 1));  // (1, 3) row broadcast
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(out.at({i, j}), 4.0 * j + i + 4.0 * j);
  EXPECT_TRUE(all_close(exp(t), exp(t.contiguous())));
}

TEST(Elementwise, MaximumTiesSendGradientToFirstInput) {
  Tensor a = from_vector(std::vector<double>{1, 2, 3}, {3}).set_requires_grad();
  Tensor b = from_vector(std::vector<double>{1, 5, 3}, {3}).set_requires_grad();
  sum(maximum(a, b)).backward();
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{0, 1, 0}));
  a.zero_grad();
  b.zero_grad();
  sum(minimum(a, b)).backward();
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{0, 0, 0}));
}

TEST(Elementwise, AbsAndClampGradientsAtKinks) {
  Tensor x = from_vector(std::vector<double>{-1, 0, 2}, {3}).set_requires_grad();
  sum(abs(x)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{-1, 0, 1}));
  x.zero_grad();
  sum(clamp(x, -1, 1)).backward();  // -1 sits on the bound: inside
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{1, 1, 0}));
}

TEST(Elementwise, BroadcastGradientIsSummedToInputShape) {
  Tensor a = ones({2, 3}, DType::float64).set_requires_grad();
  Tensor b = full({3}, 2.0, DType::float64).set_requires_grad();
  sum(mul(a, b)).backward();
  EXPECT_EQ(b.grad().shape(), (Shape{3}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>(6, 2.0)));
}

TEST(Elementwise, WhereBroadcastsAndRoutesGradient) {
  Tensor cond = from_vector(std::vector<int64_t>{1, 0, 1}, {3});
  Tensor a = full({2, 3}, 5.0, DType::float64).set_requires_grad();
  Tensor b = from_vector(std::vector<double>{-1, -2, -3}, {3}).set_requires_grad();
  Tensor out = where(cond, a, b);
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{5, -2, 5, 5, -2, 5}));
  sum(out).backward();
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{1, 0, 1, 1, 0, 1}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{0, 2, 0}));
}

TEST(Elementwise, ComparisonsWorkOnInt64) {
  Tensor a = from_vector(std::vector<int64_t>{1, 2, 3}, {3});
  Tensor b = from_vector(std::vector<int64_t>{3, 2, 1}, {3});
  EXPECT_EQ(equal(a, b).dtype(), DType::int64);
  EXPECT_EQ(equal(a, b).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(greater(a, b).to_vector<int64_t>(), (std::vector<int64_t>{0, 0, 1}));
}

TEST(Elementwise, LargeFloatTensorsMatchDoubleComputation) {
  // Big enough for the optimized, threaded kernels.
  Generator gen(2);
  Tensor a = testing::random_double({300, 257}, gen, 0.5, 2), b = testing::random_double({257}, gen, -1, 1);
  Tensor af = a.to(DType::float32), bf = b.to(DType::float32);
  EXPECT_TRUE(all_close(mul(af, bf).to(DType::float64), mul(a, b), 1e-6, 1e-5));
  EXPECT_TRUE(all_close(pow(af, bf).to(DType::float64), pow(a, b), 1e-6, 1e-5));
  EXPECT_TRUE(all_close(log(af).to(DType::float64), log(a), 1e-6, 1e-5));
}

TEST(Elementwise, ShapeMismatchNamesOpAndShapes) {
  Tensor a = zeros({2, 3}), b = zeros({4});
  expect_error_naming<ShapeError>([&] { add(a, b); }, "add", shape_str({2, 3}));
  expect_error_naming<ShapeError>([&] { mul(a, b); }, "mul", shape_str({4}));
  expect_error_naming<ShapeError>([&] { maximum(a, b); }, "maximum");
  expect_error_naming<ShapeError>([&] { greater(a, b); }, "greater");
  expect_error_naming<ShapeError>([&] { where(zeros({5}), a, a); }, "where");
}

TEST(Elementwise, DTypeErrorsNameOpAndDTypes) {
  Tensor f = zeros({2}), d = zeros({2}, DType::float64), i = zeros({2}, DType::int64);
  expect_error_naming<DTypeError>([&] { add(f, d); }, "add", "float64");
  expect_error_naming<DTypeError>([&] { div(f, d); }, "div", "float32");
  expect_error_naming<DTypeError>([&] { add(i, i); }, "add", "int64");
  expect_error_naming<DTypeError>([&] { pow(i, i); }, "pow");
  expect_error_naming<DTypeError>([&] { exp(i); }, "exp", "int64");
  expect_error_naming<DTypeError>([&] { mul(i, 2.0); }, "mul");
  expect_error_naming<DTypeError>([&] { equal(f, i); }, "equal");
  expect_error_naming<ValueError>([&] { clamp(f, 1, 0); }, "clamp");
}

}  // namespace
}  // namespace deepfin
