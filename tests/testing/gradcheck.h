#pragma once
// Central-difference gradient checks in float64, and tensor comparisons, for tests.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "deepfin/core/random.h"
#include "deepfin/core/tensor.h"

namespace deepfin::testing {

// Shorthand for the float64 dtype that gradient checks need.
inline constexpr DType f64 = DType::float64;

using TensorFn = std::function<Tensor(const std::vector<Tensor>&)>;

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-6;
  double rtol = 1e-5;
  // Inputs whose gradient is not checked (e.g. integer labels, masks).
  std::vector<size_t> skip = {};
};

// Checks the autograd gradient of L = sum(f(inputs) * R), for a fixed random R,
// against (L(x + eps) - L(x - eps)) / 2eps for every element of every float64
// input. Inputs may be strided views; they get requires_grad here.
::testing::AssertionResult gradcheck(const TensorFn& f, std::vector<Tensor> inputs, const GradcheckOptions& opt = {});

// A float64 tensor with elements uniform in [low, high), from `gen`.
Tensor random_double(const Shape& shape, Generator& gen, double low = -1.0, double high = 1.0);

// Element-wise |a - b| <= atol + rtol * |b|, same shape; reports the worst element.
::testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected, double atol = 1e-5,
                                     double rtol = 1e-4);

}  // namespace deepfin::testing
