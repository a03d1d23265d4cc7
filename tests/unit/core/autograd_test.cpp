#include <gtest/gtest.h>

#include "deepfin/autograd/node.h"
#include "deepfin/core/tensor.h"

namespace deepfin {
namespace {

// A tiny differentiable op defined only with core tools, so these tests do not
// depend on the ops floor: y = x * c (element-wise, constant c).
Tensor scale(const Tensor& x, double c) {
  Tensor out = x.detach().clone();
  double* p = out.data<double>();
  for (int64_t i = 0; i < out.numel(); ++i) p[i] *= c;
  return record("scale", out, {x}, [c](const Tensor& g) { return std::vector<Tensor>{scale(g, c)}; });
}

// Sum of all elements as a scalar, differentiable.
Tensor total(const Tensor& x) {
  double s = 0;
  for (double v : x.to_vector<double>()) s += v;
  Tensor out = scalar_tensor(s, DType::float64);
  const Shape shape = x.shape();
  return record("total", out, {x},
                [shape](const Tensor& g) { return std::vector<Tensor>{full(shape, g.item(), DType::float64)}; });
}

// a + b for same-shape float64 tensors.
Tensor plus(const Tensor& a, const Tensor& b) {
  Tensor out = a.detach().clone();
  add_into(out, b);
  return record("plus", out, {a, b}, [](const Tensor& g) { return std::vector<Tensor>{g, g}; });
}

TEST(Autograd, LeafReceivesGradient) {
  Tensor x = ones({3}, DType::float64).set_requires_grad();
  total(scale(x, 2.0)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{2, 2, 2}));
}

TEST(Autograd, GradientsAccumulateWhenATensorIsUsedTwice) {
  Tensor x = ones({2}, DType::float64).set_requires_grad();
  Tensor y = scale(x, 3.0);
  // y feeds two branches: its gradient is the sum of both (1 + 5) times 3.
  plus(total(y.reshape({2, 1})), total(scale(y, 5.0))).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{18, 18}));
  total(scale(x, 1.0)).backward();  // a second graph adds into the same .grad
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{19, 19}));
}

TEST(Autograd, DiamondGraphSumsBothPaths) {
  Tensor x = ones({2}, DType::float64).set_requires_grad();
  Tensor a = scale(x, 2.0);
  Tensor s = total(plus(scale(a, 3.0), scale(a, 4.0)));
  s.backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{14, 14}));
}

TEST(Autograd, NonScalarNeedsAGradient) {
  Tensor x = ones({2}, DType::float64).set_requires_grad();
  Tensor y = scale(x, 2.0);
  EXPECT_THROW(y.backward(), ShapeError);
  EXPECT_THROW(y.backward(ones({3}, DType::float64)), ShapeError);
  y.backward(from_vector(std::vector<double>{1, 10}, {2}));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{2, 20}));
}

TEST(Autograd, NoGradGuardAndDetachStopRecording) {
  Tensor x = ones({2}, DType::float64).set_requires_grad();
  {
    NoGradGuard guard;
    EXPECT_FALSE(grad_enabled());
    EXPECT_FALSE(scale(x, 2.0).requires_grad());
  }
  EXPECT_TRUE(grad_enabled());
  Tensor d = scale(x, 2.0).detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_THROW(total(d).backward(), Error);
}

TEST(Autograd, GraphIsFreedUnlessRetained) {
  Tensor x = ones({2}, DType::float64).set_requires_grad();
  Tensor s = total(scale(x, 2.0));
  s.backward({}, /*retain_graph=*/true);
  s.backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{4, 4}));
  try {
    s.backward();
    FAIL() << "expected an error on a freed graph";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("retain_graph"), std::string::npos) << e.what();
  }
}

TEST(Autograd, ViewsPropagateGradients) {
  Tensor x = from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3}).set_requires_grad();
  // Slice with a step, transpose, broadcast: each backward must route values back.
  Tensor s = x.slice(1, 0, 3, 2);                        // columns 0 and 2
  Tensor t = s.transpose(0, 1).broadcast_to({4, 2, 2});  // each element used 4 times
  total(scale(t, 1.0)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{4, 0, 4, 4, 0, 4}));
}

TEST(Autograd, ExistingGradIsAccumulatedInPlace) {
  Tensor x = ones({3}, DType::float64).set_requires_grad();
  Tensor buffer = zeros({3}, DType::float64);
  x.set_grad(buffer);
  total(scale(x, 2.0)).backward();
  EXPECT_TRUE(x.grad().is_same(buffer));
  EXPECT_EQ(buffer.to_vector<double>(), (std::vector<double>{2, 2, 2}));
}

TEST(Autograd, IntegerTensorsCannotRequireGrad) {
  Tensor ids = zeros({2}, DType::int64);
  EXPECT_THROW(ids.set_requires_grad(), DTypeError);
}

}  // namespace
}  // namespace deepfin
