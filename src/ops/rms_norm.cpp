// rms_norm: last-axis RMS normalization. Forward keeps each row's 1/rms;
// backward runs one kernel for dx and dgamma.
#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/normalization.h"
#include "kernels/norm_slots.h"
#include "ops/elementwise_internal.h"

namespace deepfin {

Tensor rms_norm(const Tensor& x, const Tensor& gamma, double epsilon) {
  ew::check_floating("rms_norm", x);
  if (x.dim() < 1) throw ShapeError("rms_norm: x needs at least one axis to normalize, got a scalar");
  if (gamma.defined()) {
    ew::check_same_dtype("rms_norm", x, gamma);
    if (gamma.shape() != Shape{x.size(-1)})
      throw ShapeError(fmt::format("rms_norm: gamma must have shape ({},) to match the last axis of x {}, got {}",
                                   x.size(-1), shape_str(x.shape()), shape_str(gamma.shape())));
  }
  if (!(epsilon > 0.0)) throw ValueError(fmt::format("rms_norm: epsilon must be > 0, got {}", epsilon));
  return dispatch_floating("rms_norm", x.dtype(), [&](auto tag) -> Tensor {
    using T = decltype(tag);
    const int64_t cols = x.size(-1);
    const int64_t rows = cols > 0 ? x.numel() / cols : 0;
    const Tensor xc = ew::contiguous_data(x);
    const Tensor gc = gamma.defined() ? ew::contiguous_data(gamma) : Tensor();
    Tensor y = Tensor::empty(x.shape(), x.dtype());
    Tensor rstd = Tensor::empty({rows}, x.dtype());
    kernels::rms_norm_forward_slot<T>().select(x.device())(
        rows, cols, xc.data<T>(), gc.defined() ? gc.data<T>() : nullptr, epsilon, y.data<T>(), rstd.data<T>());
    std::vector<Tensor> inputs = {x};
    if (gamma.defined()) inputs.push_back(gamma);
    const bool has_gamma = gamma.defined();
    return record("rms_norm", y, inputs, [=](const Tensor& grad) -> std::vector<Tensor> {
      const Tensor g = ew::contiguous_data(grad);
      Tensor dx = Tensor::empty(xc.shape(), xc.dtype());
      Tensor dgamma = has_gamma ? Tensor::empty({cols}, xc.dtype()) : Tensor();
      kernels::rms_norm_backward_slot<T>().select(xc.device())(
          rows, cols, xc.data<T>(), has_gamma ? gc.data<T>() : nullptr, rstd.data<T>(), g.data<T>(), dx.data<T>(),
          has_gamma ? dgamma.data<T>() : nullptr);
      std::vector<Tensor> grads = {dx};
      if (has_gamma) grads.push_back(dgamma);
      return grads;
    });
  });
}

}  // namespace deepfin
