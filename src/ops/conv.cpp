// conv2d: Keras-layout 2-D convolution. The op checks its arguments, resolves
// padding into a kernel geometry, and runs the selected kernel from the conv
// slots (reference loops, or im2col + GEMM); the backward runs the matching
// input- and weight-gradient kernels, skipping what no input needs.
#include "deepfin/ops/conv.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/autograd/node.h"
#include "kernels/conv_slots.h"

namespace deepfin {
namespace {

std::string pair_str(const std::array<int64_t, 2>& p) {
  return fmt::format("({}, {})", p[0], p[1]);
}

void check_conv_args(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dOptions& o) {
  dispatch_floating("conv2d", x.dtype(), [](auto) {});
  if (kernel.dtype() != x.dtype() || (bias.defined() && bias.dtype() != x.dtype())) {
    throw DTypeError(fmt::format("conv2d: x, kernel and bias must share a dtype, got x {}, kernel {}{}",
                                 dtype_name(x.dtype()), dtype_name(kernel.dtype()),
                                 bias.defined() ? fmt::format(", bias {}", dtype_name(bias.dtype())) : ""));
  }
  const std::string shapes = fmt::format("x {} and kernel {}", shape_str(x.shape()), shape_str(kernel.shape()));
  if (x.dim() != 4 || kernel.dim() != 4) {
    throw ShapeError(fmt::format("conv2d: expected x (N, H, W, Cin) and kernel (kh, kw, Cin, Cout), got {}", shapes));
  }
  if (x.size(3) != kernel.size(2)) {
    throw ShapeError(fmt::format("conv2d: input channels differ: {} ({} != {})", shapes, x.size(3), kernel.size(2)));
  }
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != kernel.size(3))) {
    throw ShapeError(fmt::format("conv2d: bias {} does not match kernel {}; expected {}", shape_str(bias.shape()),
                                 shape_str(kernel.shape()), shape_str({kernel.size(3)})));
  }
  for (int i = 0; i < 2; ++i) {
    if (o.strides[i] < 1 || o.dilation[i] < 1) {
      throw ValueError(
          fmt::format("conv2d: strides {} and dilation {} must be >= 1", pair_str(o.strides), pair_str(o.dilation)));
    }
  }
  if (kernel.size(0) < 1 || kernel.size(1) < 1)
    throw ValueError(fmt::format("conv2d: empty kernel {}", shape_str(kernel.shape())));
}

}  // namespace

Padding padding_from_name(const std::string& name) {
  if (name == "valid") return Padding::valid;
  if (name == "same") return Padding::same;
  throw ConfigError(fmt::format("unknown padding '{}'; expected 'valid' or 'same'", name));
}

const char* padding_name(Padding p) {
  return p == Padding::same ? "same" : "valid";
}

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, Padding padding) {
  if (padding == Padding::same) return (in + stride - 1) / stride;
  const int64_t span = (kernel - 1) * dilation + 1;
  return in >= span ? (in - span) / stride + 1 : 0;
}

int64_t conv_pad_before(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, Padding padding) {
  if (padding == Padding::valid) return 0;
  const int64_t out = conv_output_size(in, kernel, stride, dilation, padding);
  const int64_t total = std::max<int64_t>((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
  return total / 2;
}

Tensor conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias, const Conv2dOptions& o) {
  check_conv_args(x, kernel, bias, o);
  kernels::Conv2dGeometry g{};
  g.batch = x.size(0), g.in_h = x.size(1), g.in_w = x.size(2), g.in_c = x.size(3);
  g.k_h = kernel.size(0), g.k_w = kernel.size(1), g.out_c = kernel.size(3);
  g.stride_h = o.strides[0], g.stride_w = o.strides[1], g.dil_h = o.dilation[0], g.dil_w = o.dilation[1];
  g.out_h = conv_output_size(g.in_h, g.k_h, g.stride_h, g.dil_h, o.padding);
  g.out_w = conv_output_size(g.in_w, g.k_w, g.stride_w, g.dil_w, o.padding);
  g.pad_top = conv_pad_before(g.in_h, g.k_h, g.stride_h, g.dil_h, o.padding);
  g.pad_left = conv_pad_before(g.in_w, g.k_w, g.stride_w, g.dil_w, o.padding);
  if (g.out_h <= 0 || g.out_w <= 0) {
    throw ValueError(fmt::format(
        "conv2d: output would be empty: x {} with kernel {}, strides {}, dilation {}, padding {}", shape_str(x.shape()),
        shape_str(kernel.shape()), pair_str(o.strides), pair_str(o.dilation), padding_name(o.padding)));
  }

  // Kernels read contiguous memory; detached copies keep the graph free of these steps.
  const Tensor xd = x.detach().contiguous(), wd = kernel.detach().contiguous();
  const Tensor bd = bias.defined() ? bias.detach().contiguous() : Tensor();
  Tensor y = Tensor::empty({g.batch, g.out_h, g.out_w, g.out_c}, x.dtype());
  dispatch_floating("conv2d", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    auto* forward = kernels::conv2d_forward_slot<T>().select();
    const bool needs_workspace = forward != kernels::conv2d_forward_slot<T>().reference();
    const Tensor ws = Tensor::empty({needs_workspace ? kernels::conv2d_workspace_size(g) : 0}, x.dtype());
    forward(g, xd.data<T>(), wd.data<T>(), bd.defined() ? bd.data<T>() : nullptr, y.data<T>(), ws.data<T>());
  });

  std::vector<Tensor> inputs{x, kernel};
  if (bias.defined()) inputs.push_back(bias);
  // Save only what backward needs: W for dx, x for dW.
  const bool x_grad = x.requires_grad(), w_grad = kernel.requires_grad();
  const bool b_grad = bias.defined() && bias.requires_grad();
  return record("conv2d", y, inputs,
                [xd = (w_grad || b_grad) ? xd : Tensor(), wd = x_grad ? wd : Tensor(), g, x_grad, w_grad, b_grad,
                 has_bias = bias.defined()](const Tensor& grad) {
                  std::vector<Tensor> grads(has_bias ? 3 : 2);
                  const Tensor dy = grad.detach().contiguous();
                  dispatch_floating("conv2d", dy.dtype(), [&](auto tag) {
                    using T = decltype(tag);
                    const auto& in_slot = kernels::conv2d_backward_input_slot<T>();
                    const auto& w_slot = kernels::conv2d_backward_weight_slot<T>();
                    const bool needs_workspace = (x_grad && in_slot.select() != in_slot.reference()) ||
                                                 ((w_grad || b_grad) && w_slot.select() != w_slot.reference());
                    const Tensor ws =
                        Tensor::empty({needs_workspace ? kernels::conv2d_workspace_size(g) : 0}, dy.dtype());
                    if (x_grad) {
                      grads[0] = Tensor::empty({g.batch, g.in_h, g.in_w, g.in_c}, dy.dtype());
                      in_slot.select()(g, dy.data<T>(), wd.data<T>(), grads[0].data<T>(), ws.data<T>());
                    }
                    if (w_grad || b_grad) {
                      Tensor dw = Tensor::empty({g.k_h, g.k_w, g.in_c, g.out_c}, dy.dtype());
                      Tensor db = has_bias ? Tensor::empty({g.out_c}, dy.dtype()) : Tensor();
                      w_slot.select()(g, xd.data<T>(), dy.data<T>(), dw.data<T>(), has_bias ? db.data<T>() : nullptr,
                                      ws.data<T>());
                      if (w_grad) grads[1] = dw;
                      if (b_grad) grads[2] = db;
                    }
                  });
                  return grads;
                });
}

}  // namespace deepfin
