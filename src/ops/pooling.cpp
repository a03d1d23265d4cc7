// Max and average pooling over NHWC images, Keras semantics, through the pool
// kernel slots. Global pools are the full-image window, reshaped to (N, C).
#include "deepfin/ops/pooling.h"

#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "kernels/conv_slots.h"

namespace deepfin {
namespace {

kernels::Pool2dGeometry pool_geometry(const char* op, const Tensor& x, const Pool2dOptions& o) {
  dispatch_floating(op, x.dtype(), [](auto) {});
  if (x.dim() != 4) throw ShapeError(fmt::format("{}: expected x (N, H, W, C), got {}", op, shape_str(x.shape())));
  const std::string window =
      fmt::format("pool_size ({}, {}), strides ({}, {})", o.pool_size[0], o.pool_size[1], o.strides[0], o.strides[1]);
  if (o.pool_size[0] < 1 || o.pool_size[1] < 1 || o.strides[0] < 0 || o.strides[1] < 0) {
    throw ValueError(fmt::format("{}: {} must be positive (strides 0 = pool_size)", op, window));
  }
  kernels::Pool2dGeometry g{};
  g.batch = x.size(0), g.in_h = x.size(1), g.in_w = x.size(2), g.channels = x.size(3);
  g.pool_h = o.pool_size[0], g.pool_w = o.pool_size[1];
  g.stride_h = o.strides[0] == 0 ? g.pool_h : o.strides[0];
  g.stride_w = o.strides[1] == 0 ? g.pool_w : o.strides[1];
  g.out_h = conv_output_size(g.in_h, g.pool_h, g.stride_h, 1, o.padding);
  g.out_w = conv_output_size(g.in_w, g.pool_w, g.stride_w, 1, o.padding);
  g.pad_top = conv_pad_before(g.in_h, g.pool_h, g.stride_h, 1, o.padding);
  g.pad_left = conv_pad_before(g.in_w, g.pool_w, g.stride_w, 1, o.padding);
  if (g.out_h <= 0 || g.out_w <= 0) {
    throw ValueError(fmt::format("{}: output would be empty: x {} with {}, padding {}", op, shape_str(x.shape()),
                                 window, padding_name(o.padding)));
  }
  return g;
}

Shape output_shape(const kernels::Pool2dGeometry& g) {
  return {g.batch, g.out_h, g.out_w, g.channels};
}
Shape input_shape(const kernels::Pool2dGeometry& g) {
  return {g.batch, g.in_h, g.in_w, g.channels};
}

}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options) {
  const kernels::Pool2dGeometry g = pool_geometry("max_pool2d", x, options);
  const Tensor xd = x.detach().contiguous();
  Tensor y = Tensor::empty(output_shape(g), x.dtype());
  dispatch_floating("max_pool2d", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::max_pool2d_forward_slot<T>().select()(g, xd.data<T>(), y.data<T>());
  });
  // The arg-max is recomputed from x in backward: cheaper to keep than an index tensor.
  return record("max_pool2d", y, {x}, [xd, g](const Tensor& grad) {
    const Tensor dy = grad.detach().contiguous();
    Tensor dx = Tensor::empty(input_shape(g), dy.dtype());
    dispatch_floating("max_pool2d", dy.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::max_pool2d_backward_slot<T>().select()(g, xd.data<T>(), dy.data<T>(), dx.data<T>());
    });
    return std::vector<Tensor>{dx};
  });
}

Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options) {
  const kernels::Pool2dGeometry g = pool_geometry("avg_pool2d", x, options);
  const Tensor xd = x.detach().contiguous();
  Tensor y = Tensor::empty(output_shape(g), x.dtype());
  dispatch_floating("avg_pool2d", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::avg_pool2d_forward_slot<T>().select()(g, xd.data<T>(), y.data<T>());
  });
  return record("avg_pool2d", y, {x}, [g](const Tensor& grad) {
    const Tensor dy = grad.detach().contiguous();
    Tensor dx = Tensor::empty(input_shape(g), dy.dtype());
    dispatch_floating("avg_pool2d", dy.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::avg_pool2d_backward_slot<T>().select()(g, dy.data<T>(), dx.data<T>());
    });
    return std::vector<Tensor>{dx};
  });
}

namespace {

Tensor global_pool(const char* op, const Tensor& x, Tensor (*pool)(const Tensor&, const Pool2dOptions&)) {
  if (x.dim() != 4) throw ShapeError(fmt::format("{}: expected x (N, H, W, C), got {}", op, shape_str(x.shape())));
  if (x.size(1) == 0 || x.size(2) == 0) {
    throw ValueError(fmt::format("{}: empty image in x {}", op, shape_str(x.shape())));
  }
  Pool2dOptions whole;
  whole.pool_size = {x.size(1), x.size(2)};
  return pool(x, whole).reshape({x.size(0), x.size(3)});
}

}  // namespace

Tensor global_avg_pool2d(const Tensor& x) {
  return global_pool("global_avg_pool2d", x, avg_pool2d);
}
Tensor global_max_pool2d(const Tensor& x) {
  return global_pool("global_max_pool2d", x, max_pool2d);
}

}  // namespace deepfin
