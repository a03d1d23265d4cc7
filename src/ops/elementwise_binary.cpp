// Differentiable binary ops with NumPy broadcasting, comparisons and where().
// Backward uses ops, and sum_to_shape() folds gradients of broadcast inputs back.
#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "deepfin/ops/elementwise.h"
#include "ops/elementwise_internal.h"

namespace deepfin {
namespace {

using kernels::BinaryOp;

// Forward of a differentiable binary op: both inputs floating, same dtype.
Tensor float_binary(const char* name, BinaryOp op, const Tensor& a, const Tensor& b) {
  ew::check_same_dtype(name, a, b);
  ew::check_floating(name, a);
  return ew::binary_forward(name, op, a, b);
}

// The gradient of one input: `grad` summed to its shape, or none if it needs none.
Tensor input_grad(bool needed, const Tensor& grad, const Shape& shape) {
  return needed ? sum_to_shape(grad, shape) : Tensor();
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("add", BinaryOp::add, a, b);
  return record("add", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {sum_to_shape(g, sa), sum_to_shape(g, sb)};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("sub", BinaryOp::sub, a, b);
  return record("sub", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {sum_to_shape(g, sa), sum_to_shape(neg(g), sb)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("mul", BinaryOp::mul, a, b);
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  // Each gradient reads the other input only.
  Tensor saved_a = need_b ? a.detach() : Tensor(), saved_b = need_a ? b.detach() : Tensor();
  return record("mul", out, {a, b}, [=, sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {need_a ? sum_to_shape(mul(g, saved_b), sa) : Tensor(),
            need_b ? sum_to_shape(mul(g, saved_a), sb) : Tensor()};
  });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("div", BinaryOp::div, a, b);
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  Tensor saved_b = b.detach(), saved_out = need_b ? out.detach() : Tensor();
  return record("div", out, {a, b}, [=, sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor g_over_b = div(g, saved_b);
    // d(a/b)/db = -(a/b)/b
    return {input_grad(need_a, g_over_b, sa), need_b ? sum_to_shape(neg(mul(g_over_b, saved_out)), sb) : Tensor()};
  });
}

Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("pow", BinaryOp::pow, a, b);
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  Tensor saved_a = a.detach(), saved_b = b.detach(), saved_out = need_b ? out.detach() : Tensor();
  return record("pow", out, {a, b}, [=, sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor ga, gb;
    if (need_a) {
      // b * a^(b-1); where b == 0 the derivative is 0 even at a == 0.
      Tensor zero = zeros({}, saved_b.dtype());
      Tensor d = where(equal(saved_b, zero), zero, mul(saved_b, pow(saved_a, add(saved_b, -1.0))));
      ga = sum_to_shape(mul(g, d), sa);
    }
    if (need_b) {
      // a^b * log(a), taken as 0 where a <= 0 (log undefined; documented choice).
      Tensor zero = zeros({}, saved_a.dtype());
      Tensor safe_log =
          where(greater(saved_a, zero), log(where(greater(saved_a, zero), saved_a, ones({}, saved_a.dtype()))), zero);
      gb = sum_to_shape(mul(g, mul(saved_out, safe_log)), sb);
    }
    return {ga, gb};
  });
}

Tensor maximum(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("maximum", BinaryOp::maximum, a, b);
  Tensor saved_a = a.detach(), saved_b = b.detach();
  return record("maximum", out, {a, b}, [=, sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor to_b = ew::binary_forward("maximum", BinaryOp::less, saved_a, saved_b);  // ties go to a
    Tensor zero = zeros({}, g.dtype());
    return {sum_to_shape(where(to_b, zero, g), sa), sum_to_shape(where(to_b, g, zero), sb)};
  });
}

Tensor minimum(const Tensor& a, const Tensor& b) {
  Tensor out = float_binary("minimum", BinaryOp::minimum, a, b);
  Tensor saved_a = a.detach(), saved_b = b.detach();
  return record("minimum", out, {a, b}, [=, sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor to_b = ew::binary_forward("minimum", BinaryOp::greater, saved_a, saved_b);  // ties go to a
    Tensor zero = zeros({}, g.dtype());
    return {sum_to_shape(where(to_b, zero, g), sa), sum_to_shape(where(to_b, g, zero), sb)};
  });
}

Tensor greater(const Tensor& a, const Tensor& b) {
  return ew::binary_forward("greater", BinaryOp::greater, a, b);
}
Tensor less(const Tensor& a, const Tensor& b) {
  return ew::binary_forward("less", BinaryOp::less, a, b);
}
Tensor equal(const Tensor& a, const Tensor& b) {
  return ew::binary_forward("equal", BinaryOp::equal, a, b);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  ew::check_same_dtype("where", a, b);
  ew::check_floating("where", a);
  const Shape out_shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
  Tensor mask = cond.detach();
  if (mask.dtype() != a.dtype()) mask = mask.to(a.dtype());
  Tensor out = Tensor::empty(out_shape, a.dtype());
  const kernels::BroadcastLayout layout = ew::broadcast_layout(out_shape, {mask, a, b});
  dispatch_floating("where", a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::where_slot<T>().select(a.device())(layout, mask.data<T>(), a.data<T>(), b.data<T>(), out.data<T>());
  });
  return record("where", out, {a, b}, [=, sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor zero = zeros({}, g.dtype());
    return {sum_to_shape(where(mask, g, zero), sa), sum_to_shape(where(mask, zero, g), sb)};
  });
}

}  // namespace deepfin
