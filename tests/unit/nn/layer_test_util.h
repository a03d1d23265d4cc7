#pragma once
// Helpers shared by the layer tests: a float64 gradient check through a layer
// (its input and every trainable weight), and weight copying between layers.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "deepfin/nn/layer.h"
#include "deepfin/ops/elementwise.h"
#include "testing/gradcheck.h"

namespace deepfin::testing {

// Checks d(layer(x))/dx and d(layer(x))/dw for every trainable weight w. The
// layer must be float64; its weight handles are swapped for the checked copies.
inline ::testing::AssertionResult gradcheck_layer(nn::Layer& layer, const Tensor& x, bool training = false) {
  layer.build(Shape(x.shape().begin() + 1, x.shape().end()));
  std::vector<Tensor> inputs = {x};
  std::vector<size_t> slots;
  for (size_t i = 0; i < layer.weights().size(); ++i) {
    if (!layer.weights()[i].trainable) continue;
    slots.push_back(i);
    // Perturb away from the initializer's constants (ones/zeros) so every path is exercised.
    Generator gen(77 + i);
    inputs.push_back(layer.weights()[i].value.detach().clone() +
                     random_double(layer.weights()[i].value.shape(), gen, -0.3, 0.3));
  }
  auto f = [&](const std::vector<Tensor>& in) {
    for (size_t k = 0; k < slots.size(); ++k) layer.weights()[slots[k]].value = in[k + 1];
    return layer.call(in[0], training);
  };
  return gradcheck(f, inputs);
}

// Gives `dst` the same weight values as `src` (same architecture).
inline void copy_weights(const nn::Layer& src, nn::Layer& dst) {
  ASSERT_EQ(src.weights().size(), dst.weights().size());
  for (size_t i = 0; i < src.weights().size(); ++i) nn::assign_values(dst.weights()[i].value, src.weights()[i].value);
}

// True when both tensors have the same shape and bit-identical float values.
inline ::testing::AssertionResult bit_identical(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure() << "shapes " << shape_str(a.shape()) << " vs " << shape_str(b.shape());
  const auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  for (size_t i = 0; i < va.size(); ++i)
    if (!(va[i] == vb[i] || (std::isnan(va[i]) && std::isnan(vb[i]))))
      return ::testing::AssertionFailure() << "element " << i << ": " << va[i] << " vs " << vb[i];
  return ::testing::AssertionSuccess();
}

// EXPECT_THROW plus a check that the message names `needle`.
#define EXPECT_THROW_WITH(statement, exception_type, needle)                                       \
  do {                                                                                             \
    try {                                                                                          \
      statement;                                                                                   \
      ADD_FAILURE() << "expected " #exception_type " from: " #statement;                           \
    } catch (const exception_type& e) {                                                            \
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message: " << e.what(); \
    }                                                                                              \
  } while (0)

}  // namespace deepfin::testing
