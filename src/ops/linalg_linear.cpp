// linear: the Dense layer's x @ W + b as one fused op. The forward is a single
// GEMM over all leading axes with the bias preloaded into the output (beta = 1);
// the backward is two matmuls and a bias sum.
#include <fmt/format.h>

#include <cstring>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/linalg.h"
#include "kernels/gemm.h"

namespace deepfin {
namespace {

void check_linear(const Tensor& x, const Tensor& W, const Tensor& b) {
  dispatch_floating("linear", x.dtype(), [](auto) {});
  const bool same_dtype = W.dtype() == x.dtype() && (!b.defined() || b.dtype() == x.dtype());
  if (!same_dtype) {
    throw DTypeError(fmt::format("linear: x, W and b must share a dtype, got x {}, W {}{}", dtype_name(x.dtype()),
                                 dtype_name(W.dtype()),
                                 b.defined() ? fmt::format(", b {}", dtype_name(b.dtype())) : ""));
  }
  if (W.dim() != 2 || x.dim() < 1 || x.size(-1) != W.size(0)) {
    throw ShapeError(fmt::format("linear: x {} does not fit W {}; expected x (..., in) and W (in, out)",
                                 shape_str(x.shape()), shape_str(W.shape())));
  }
  if (b.defined() && (b.dim() != 1 || b.size(0) != W.size(1))) {
    throw ShapeError(fmt::format("linear: bias {} does not fit W {}; expected {}", shape_str(b.shape()),
                                 shape_str(W.shape()), shape_str({W.size(1)})));
  }
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& W, const Tensor& b) {
  check_linear(x, W, b);
  const int64_t in = W.size(0), out_features = W.size(1);
  const int64_t rows = in == 0 ? shape_numel(Shape(x.shape().begin(), x.shape().end() - 1)) : x.numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out_features;
  Tensor y = Tensor::empty(out_shape, x.dtype());
  const Tensor xd = x.detach().contiguous(), Wd = W.detach().contiguous();
  dispatch_floating("linear", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    if (b.defined()) {
      const Tensor bd = b.detach().contiguous();
      for (int64_t r = 0; r < rows; ++r) std::memcpy(py + r * out_features, bd.data<T>(), sizeof(T) * out_features);
    }
    kernels::gemm(false, false, rows, out_features, in, T(1), xd.data<T>(), std::max<int64_t>(in, 1), Wd.data<T>(),
                  std::max<int64_t>(out_features, 1), b.defined() ? T(1) : T(0), py,
                  std::max<int64_t>(out_features, 1));
  });

  std::vector<Tensor> inputs{x, W};
  if (b.defined()) inputs.push_back(b);
  return record("linear", y, inputs, [x, W, has_bias = b.defined(), in, out_features](const Tensor& g) {
    std::vector<Tensor> grads(has_bias ? 3 : 2);
    if (x.requires_grad()) grads[0] = matmul(g, W.transpose(0, 1));
    if (W.requires_grad()) grads[1] = matmul(x.reshape({-1, in}).transpose(0, 1), g.reshape({-1, out_features}));
    if (has_bias) grads[2] = sum_to_shape(g, {out_features});
    return grads;
  });
}

}  // namespace deepfin
