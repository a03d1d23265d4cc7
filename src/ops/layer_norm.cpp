// layer_norm: the fused last-axis layer normalization of DESIGN.md §3. Forward
// keeps each row's mean and 1/std; backward runs one kernel for dx, dgamma, dbeta.
#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/normalization.h"
#include "kernels/norm_slots.h"
#include "ops/elementwise_internal.h"

namespace deepfin {
namespace {

void check_affine(const Tensor& x, const Tensor& p, const char* what) {
  if (!p.defined()) return;
  ew::check_same_dtype("layer_norm", x, p);
  if (p.shape() != Shape{x.size(-1)})
    throw ShapeError(fmt::format("layer_norm: {} must have shape ({},) to match the last axis of x {}, got {}", what,
                                 x.size(-1), shape_str(x.shape()), shape_str(p.shape())));
}

}  // namespace

Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double epsilon) {
  ew::check_floating("layer_norm", x);
  if (x.dim() < 1) throw ShapeError("layer_norm: x needs at least one axis to normalize, got a scalar");
  check_affine(x, gamma, "gamma");
  check_affine(x, beta, "beta");
  if (!(epsilon > 0.0)) throw ValueError(fmt::format("layer_norm: epsilon must be > 0, got {}", epsilon));
  return dispatch_floating("layer_norm", x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    const int64_t cols = x.size(-1);
    const int64_t rows = cols > 0 ? x.numel() / cols : 0;
    const Tensor xc = ew::contiguous_data(x);
    const Tensor gc = gamma.defined() ? ew::contiguous_data(gamma) : Tensor();
    const Tensor bc = beta.defined() ? ew::contiguous_data(beta) : Tensor();
    Tensor y = Tensor::empty(x.shape(), x.dtype());
    Tensor mean = Tensor::empty({rows}, x.dtype()), rstd = Tensor::empty({rows}, x.dtype());
    kernels::layer_norm_forward_slot<T>().select(x.device())(
        rows, cols, xc.data<T>(), gc.defined() ? gc.data<T>() : nullptr, bc.defined() ? bc.data<T>() : nullptr, epsilon,
        y.data<T>(), mean.data<T>(), rstd.data<T>());

    std::vector<Tensor> inputs = {x};
    if (gamma.defined()) inputs.push_back(gamma);
    if (beta.defined()) inputs.push_back(beta);
    const bool has_gamma = gamma.defined(), has_beta = beta.defined();
    return record("layer_norm", y, inputs, [=](const Tensor& grad) -> std::vector<Tensor> {
      const Tensor g = ew::contiguous_data(grad);
      Tensor dx = Tensor::empty(xc.shape(), xc.dtype());
      Tensor dgamma = has_gamma ? Tensor::empty({cols}, xc.dtype()) : Tensor();
      Tensor dbeta = has_beta ? Tensor::empty({cols}, xc.dtype()) : Tensor();
      kernels::layer_norm_backward_slot<T>().select(xc.device())(
          rows, cols, xc.data<T>(), has_gamma ? gc.data<T>() : nullptr, mean.data<T>(), rstd.data<T>(), g.data<T>(),
          dx.data<T>(), has_gamma ? dgamma.data<T>() : nullptr, has_beta ? dbeta.data<T>() : nullptr);
      std::vector<Tensor> grads = {dx};
      if (has_gamma) grads.push_back(dgamma);
      if (has_beta) grads.push_back(dbeta);
      return grads;
    });
  });
}

}  // namespace deepfin
