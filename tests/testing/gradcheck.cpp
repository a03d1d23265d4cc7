#include "testing/gradcheck.h"

#include <cmath>
#include <sstream>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"

namespace deepfin::testing {
namespace {

double weighted_sum(const Tensor& out, const Tensor& weights) {
  auto o = out.to_vector<double>();
  auto w = weights.to_vector<double>();
  double s = 0.0;
  for (size_t i = 0; i < o.size(); ++i) s += o[i] * w[i];
  return s;
}

}  // namespace

Tensor random_double(const Shape& shape, Generator& gen, double low, double high) {
  return rand_uniform(shape, low, high, DType::float64, &gen);
}

::testing::AssertionResult gradcheck(const TensorFn& f, std::vector<Tensor> inputs, const GradcheckOptions& opt) {
  auto skipped = [&](size_t i) {
    for (size_t s : opt.skip)
      if (s == i) return true;
    return false;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (skipped(i)) continue;
    if (inputs[i].dtype() != DType::float64)
      return ::testing::AssertionFailure() << "gradcheck: input " << i << " must be float64";
    inputs[i] = inputs[i].detach();
    inputs[i].set_requires_grad(true);
  }
  Generator gen(1234);
  Tensor out = f(inputs);
  Tensor weights = rand_uniform(out.shape(), 0.5, 1.5, DType::float64, &gen);
  sum(mul(out, weights)).backward();

  NoGradGuard no_grad;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (skipped(i)) continue;
    Tensor& x = inputs[i];
    Tensor analytic = x.grad();
    if (!analytic.defined()) analytic = zeros(x.shape(), DType::float64);
    // Perturb through element access so strided views are honoured.
    std::vector<int64_t> idx(x.dim(), 0);
    for (int64_t flat = 0; flat < x.numel(); ++flat) {
      int64_t rem = flat;
      for (int64_t d = x.dim() - 1; d >= 0; --d) {
        idx[d] = rem % x.shape()[d];
        rem /= x.shape()[d];
      }
      const double orig = x.at(idx);
      x.set(idx, orig + opt.eps);
      const double plus = weighted_sum(f(inputs), weights);
      x.set(idx, orig - opt.eps);
      const double minus = weighted_sum(f(inputs), weights);
      x.set(idx, orig);
      const double numeric = (plus - minus) / (2 * opt.eps);
      const double got = analytic.at(idx);
      if (!(std::abs(got - numeric) <= opt.atol + opt.rtol * std::abs(numeric))) {
        std::ostringstream where;
        for (size_t d = 0; d < idx.size(); ++d) where << (d ? "," : "") << idx[d];
        return ::testing::AssertionFailure() << "input " << i << " " << shape_str(x.shape()) << " at [" << where.str()
                                             << "]: autograd " << got << " vs numeric " << numeric;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected, double atol, double rtol) {
  if (actual.shape() != expected.shape())
    return ::testing::AssertionFailure() << "shape " << shape_str(actual.shape()) << " vs expected "
                                         << shape_str(expected.shape());
  auto a = actual.to_vector<double>();
  auto e = expected.to_vector<double>();
  double worst = 0.0;
  size_t worst_i = 0;
  bool ok = true;
  for (size_t i = 0; i < a.size(); ++i) {
    const double err = std::abs(a[i] - e[i]);
    const bool good = err <= atol + rtol * std::abs(e[i]);
    if (!good || std::isnan(a[i]) != std::isnan(e[i])) {
      ok = false;
      if (err > worst || std::isnan(err)) {
        worst = err;
        worst_i = i;
      }
    }
  }
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "mismatch at flat index " << worst_i << ": " << a[worst_i] << " vs expected "
                                       << e[worst_i] << " (|diff| " << worst << ")";
}

}  // namespace deepfin::testing
