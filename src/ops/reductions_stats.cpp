// var and std over a set of axes.
//   var: composed from differentiable ops, so autograd derives its gradient.
//   std: sqrt(var) with a hand-written backward dx = (x - mean) * dy / (d * std),
//        where d = n (or n - 1 when unbiased). Where std == 0 the gradient is 0
//        (a subgradient), not the NaN that PyTorch gives: a constant input,
//        e.g. a padded feature, must not poison training.
// With unbiased and a single element the divisor is 0: the result is NaN/inf, as in PyTorch.
#include "deepfin/autograd/node.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"
#include "ops/elementwise_internal.h"

namespace deepfin {
namespace {

double divisor(const Tensor& x, const std::vector<int64_t>& axes, bool unbiased, const char* name) {
  const std::vector<bool> reduced = ew::reduced_axes(name, x.dim(), axes);
  const double n = static_cast<double>(ew::reduced_count(x.shape(), reduced));
  return unbiased ? n - 1.0 : n;
}

}  // namespace

Tensor var(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims, bool unbiased) {
  ew::check_floating("var", x);
  const double d = divisor(x, axes, unbiased, "var");
  Tensor centered = sub(x, mean(x, axes, true));
  return mul(sum(square(centered), axes, keepdims), 1.0 / d);
}

Tensor std(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims, bool unbiased) {
  ew::check_floating("std", x);
  const double d = divisor(x, axes, unbiased, "std");
  Tensor centered, out_keep;
  {
    NoGradGuard no_grad;
    Tensor xd = x.detach();
    centered = sub(xd, mean(xd, axes, true));
    out_keep = sqrt(mul(sum(square(centered), axes, true), 1.0 / d));
  }
  const Shape keep_shape = out_keep.shape();
  // The node keeps its own handle on std: capturing the output itself would make a cycle.
  const Tensor saved_std = out_keep.detach();
  Tensor out = keepdims ? out_keep
                        : out_keep.reshape(ew::reduced_shape(x.shape(), ew::reduced_axes("std", x.dim(), axes), false));
  return record("std", out, {x}, [=](const Tensor& grad) -> std::vector<Tensor> {
    Tensor zero = zeros({}, saved_std.dtype());
    Tensor is_zero = equal(saved_std, zero);
    Tensor safe_std = where(is_zero, ones({}, saved_std.dtype()), saved_std);
    Tensor coef = where(is_zero, zero, div(grad.reshape(keep_shape), mul(safe_std, d)));
    return {mul(centered, coef)};
  });
}

}  // namespace deepfin
