// Views (reshape, permute, slice, broadcast, ...) and copies. Each shares or
// copies storage and records its own small backward when gradients are on.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

#include "core/integral_range.h"
#include "deepfin/autograd/node.h"
#include "deepfin/core/tensor.h"
#include "kernels/strided.h"

namespace deepfin {
namespace {

kernels::StridedLayout layout_of(const Tensor& t) {
  return {static_cast<int>(t.dim()), t.shape().data(), t.strides().data()};
}

// Strides for viewing `t` as `shape` without copying, or nullopt when the
// memory layout makes that impossible. Input axes that are laid out
// contiguously relative to each other form chunks; every chunk must map onto
// a run of output axes with the same element count.
std::optional<Strides> view_strides(const Tensor& t, const Shape& shape) {
  if (t.is_contiguous() || t.numel() == 0) return contiguous_strides(shape);
  const Shape& old_shape = t.shape();
  const Strides& old_strides = t.strides();
  Strides out(shape.size(), 1);
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    const bool chunk_ends = d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
      out[view_d] = view_numel * chunk_stride;
      view_numel *= shape[view_d];
      --view_d;
    }
    if (view_numel != tensor_numel) return std::nullopt;
    if (d > 0) {
      chunk_stride = old_strides[d - 1];
      tensor_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

}  // namespace

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  Tensor out = Tensor::empty(shape(), dtype(), device());
  dispatch_dtype(dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::strided_copy<T, T>(static_cast<const T*>(storage()->data()) + offset(), layout_of(*this), out.data<T>());
  });
  return record("contiguous", out, {*this}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

Tensor Tensor::clone() const {
  Tensor out = Tensor::empty(shape(), dtype(), device());
  dispatch_dtype(dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::strided_copy<T, T>(static_cast<const T*>(storage()->data()) + offset(), layout_of(*this), out.data<T>());
  });
  return record("clone", out, {*this}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return *this;
  if (!is_floating(target)) detail::check_integral_range(*this, "to(int64)");
  Tensor out = Tensor::empty(shape(), target, device());
  dispatch_dtype(dtype(), [&](auto src_tag) {
    using S = decltype(src_tag);
    dispatch_dtype(target, [&](auto dst_tag) {
      using D = decltype(dst_tag);
      kernels::strided_copy<S, D>(static_cast<const S*>(storage()->data()) + offset(), layout_of(*this), out.data<D>());
    });
  });
  if (!is_floating(target)) return out;
  const DType source = dtype();
  return record("to", out, {*this}, [source](const Tensor& g) { return std::vector<Tensor>{g.to(source)}; });
}

Tensor Tensor::reshape(const Shape& requested) const {
  Shape shape = requested;
  int64_t infer = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0)
        throw ShapeError(fmt::format("reshape: only one dimension can be -1, got {}", shape_str(requested)));
      infer = static_cast<int64_t>(i);
    } else if (shape[i] < 0) {
      throw ShapeError(fmt::format("reshape: invalid target shape {}", shape_str(requested)));
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel() % known != 0)
      throw ShapeError(
          fmt::format("reshape: cannot reshape {} into {}", shape_str(this->shape()), shape_str(requested)));
    shape[infer] = numel() / known;
  }
  if (shape_numel(shape) != numel())
    throw ShapeError(fmt::format("reshape: cannot reshape {} ({} elements) into {}", shape_str(this->shape()), numel(),
                                 shape_str(requested)));
  auto strides = view_strides(*this, shape);
  Tensor base = strides ? *this : contiguous();
  Tensor out = make_view(base, shape, strides ? *strides : contiguous_strides(shape), base.offset());
  const Shape in_shape = this->shape();
  return record("reshape", out, {base},
                [in_shape](const Tensor& g) { return std::vector<Tensor>{g.reshape(in_shape)}; });
}

Tensor Tensor::flatten(int64_t start_axis, int64_t end_axis) const {
  if (dim() == 0) return reshape({1});
  const int64_t s = normalize_axis(start_axis, dim(), "flatten");
  const int64_t e = normalize_axis(end_axis, dim(), "flatten");
  if (s > e) throw IndexError(fmt::format("flatten: start axis {} is after end axis {}", start_axis, end_axis));
  Shape shape(this->shape().begin(), this->shape().begin() + s);
  int64_t merged = 1;
  for (int64_t i = s; i <= e; ++i) merged *= this->shape()[i];
  shape.push_back(merged);
  shape.insert(shape.end(), this->shape().begin() + e + 1, this->shape().end());
  return reshape(shape);
}

Tensor Tensor::permute(const std::vector<int64_t>& axes) const {
  if (static_cast<int64_t>(axes.size()) != dim())
    throw ShapeError(fmt::format("permute: {} axes given for a tensor of shape {}", axes.size(), shape_str(shape())));
  Shape shape(axes.size());
  Strides strides(axes.size());
  std::vector<int64_t> inverse(axes.size(), -1);
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = normalize_axis(axes[i], dim(), "permute");
    if (inverse[a] >= 0) throw IndexError(fmt::format("permute: axis {} appears twice", a));
    inverse[a] = static_cast<int64_t>(i);
    shape[i] = this->shape()[a];
    strides[i] = this->strides()[a];
  }
  Tensor out = make_view(*this, shape, strides, offset());
  return record("permute", out, {*this},
                [inverse](const Tensor& g) { return std::vector<Tensor>{g.permute(inverse)}; });
}

Tensor Tensor::transpose(int64_t a, int64_t b) const {
  std::vector<int64_t> axes(dim());
  std::iota(axes.begin(), axes.end(), 0);
  std::swap(axes[normalize_axis(a, dim(), "transpose")], axes[normalize_axis(b, dim(), "transpose")]);
  return permute(axes);
}

Tensor Tensor::slice(int64_t axis, int64_t start, int64_t stop, int64_t step) const {
  const int64_t ax = normalize_axis(axis, dim(), "slice");
  const int64_t n = shape()[ax];
  if (step <= 0) throw ValueError(fmt::format("slice: step must be positive, got {}", step));
  // Python-style clamping of negative and out-of-range bounds.
  auto clampi = [n](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + n : v, 0, n); };
  const int64_t lo = clampi(start), hi = std::max(clampi(stop), clampi(start));
  Shape shape = this->shape();
  Strides strides = this->strides();
  shape[ax] = (hi - lo + step - 1) / step;
  strides[ax] *= step;
  Tensor out = make_view(*this, shape, strides, offset() + lo * this->strides()[ax]);
  const Shape in_shape = this->shape();
  const DType dt = dtype();
  return record("slice", out, {*this}, [in_shape, dt, ax, lo, hi, step](const Tensor& g) {
    Tensor full_grad = zeros(in_shape, dt);
    Tensor window = full_grad.slice(ax, lo, hi, step);
    add_into(window, g);
    return std::vector<Tensor>{full_grad};
  });
}

Tensor Tensor::select(int64_t axis, int64_t index) const {
  const int64_t ax = normalize_axis(axis, dim(), "select");
  const int64_t n = shape()[ax];
  if (index < -n || index >= n)
    throw IndexError(fmt::format("select: index {} is out of bounds for axis {} with size {}", index, ax, n));
  const int64_t i = index < 0 ? index + n : index;
  return slice(ax, i, i + 1).squeeze(ax);
}

Tensor Tensor::squeeze(int64_t axis) const {
  const int64_t ax = normalize_axis(axis, dim(), "squeeze");
  if (shape()[ax] != 1) throw ShapeError(fmt::format("squeeze: axis {} of shape {} is not 1", ax, shape_str(shape())));
  Shape s = shape();
  s.erase(s.begin() + ax);
  return reshape(s);
}

Tensor Tensor::unsqueeze(int64_t axis) const {
  const int64_t ax = normalize_axis(axis, dim() + 1, "unsqueeze");
  Shape s = shape();
  s.insert(s.begin() + ax, 1);
  return reshape(s);
}

Tensor Tensor::broadcast_to(const Shape& target) const {
  if (target == shape()) return *this;
  const Shape b = broadcast_shapes(shape(), target, "broadcast_to");
  if (b != target)
    throw ShapeError(
        fmt::format("broadcast_to: shape {} cannot be broadcast to {}", shape_str(shape()), shape_str(target)));
  const size_t lead = target.size() - shape().size();
  Strides strides(target.size(), 0);
  for (size_t i = 0; i < shape().size(); ++i) strides[lead + i] = shape()[i] == 1 ? 0 : this->strides()[i];
  Tensor out = make_view(*this, target, strides, offset());
  const Shape in_shape = shape();
  return record("broadcast_to", out, {*this},
                [in_shape](const Tensor& g) { return std::vector<Tensor>{sum_to_shape(g, in_shape)}; });
}

Tensor sum_to_shape(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  // Validates that `shape` broadcasts to t's shape.
  if (broadcast_shapes(shape, t.shape(), "sum_to_shape") != t.shape())
    throw ShapeError(
        fmt::format("sum_to_shape: shape {} cannot be summed to {}", shape_str(t.shape()), shape_str(shape)));
  Tensor out = zeros(shape, t.dtype());
  // View `out` with t's shape (zero strides on summed axes) and accumulate.
  const size_t lead = t.shape().size() - shape.size();
  Strides strides(t.shape().size(), 0);
  const Strides out_strides = out.strides();
  for (size_t i = 0; i < shape.size(); ++i) strides[lead + i] = shape[i] == 1 ? 0 : out_strides[i];
  Tensor src = t.detach().contiguous();
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::StridedLayout layout{static_cast<int>(t.dim()), t.shape().data(), strides.data()};
    kernels::strided_accumulate<T>(src.data<T>(), out.data<T>(), layout);
  });
  const Shape big = t.shape();
  return record("sum_to_shape", out, {t}, [big](const Tensor& g) { return std::vector<Tensor>{g.broadcast_to(big)}; });
}

void add_into(Tensor& dst, const Tensor& src) {
  if (dst.dtype() != src.dtype())
    throw DTypeError(fmt::format("add_into: dtype {} into {}", dtype_name(src.dtype()), dtype_name(dst.dtype())));
  Tensor s = src.detach();
  if (s.shape() != dst.shape()) s = s.broadcast_to(dst.shape());
  s = s.contiguous();
  dispatch_dtype(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* sp = s.data<T>();
    if (dst.is_contiguous()) {
      T* dp = dst.data<T>();
      const int64_t n = dst.numel();
      for (int64_t i = 0; i < n; ++i) dp[i] += sp[i];
    } else {
      kernels::strided_accumulate<T>(sp, static_cast<T*>(dst.storage()->data()) + dst.offset(), layout_of(dst));
    }
  });
}

}  // namespace deepfin
