// Tensor basics: construction, element access and creation functions.
#include "deepfin/core/tensor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/integral_range.h"
#include "deepfin/autograd/node.h"
#include "deepfin/core/random.h"
#include "kernels/strided.h"

namespace deepfin {

TensorImpl& Tensor::impl() const {
  if (!impl_) throw Error("use of an undefined Tensor (default-constructed, or a missing gradient)");
  return *impl_;
}

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  check_shape_valid(shape, "empty");
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

int64_t Tensor::size(int64_t axis) const {
  return shape()[normalize_axis(axis, dim(), "size")];
}

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t i = dim() - 1; i >= 0; --i) {
    if (shape()[i] != 1 && strides()[i] != expected) return false;
    expected *= shape()[i];
  }
  return true;
}

void Tensor::check_dtype(DType expected) const {
  if (dtype() != expected)
    throw DTypeError(
        fmt::format("data<T>(): tensor has dtype {}, requested {}", dtype_name(dtype()), dtype_name(expected)));
}

namespace {

int64_t element_offset(const Tensor& t, const int64_t* index, size_t n) {
  if (static_cast<int64_t>(n) != t.dim())
    throw IndexError(fmt::format("element access: {} indices given for a tensor with {} dimensions", n, t.dim()));
  int64_t off = t.offset();
  for (size_t i = 0; i < n; ++i) {
    int64_t v = index[i];
    const int64_t size = t.shape()[i];
    if (v < 0) v += size;
    if (v < 0 || v >= size)
      throw IndexError(
          fmt::format("element access: index {} is out of bounds for axis {} with size {}", index[i], i, size));
    off += v * t.strides()[i];
  }
  return off;
}

double read_element(const Tensor& t, int64_t off) {
  return dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return static_cast<double>(static_cast<const T*>(t.storage()->data())[off]);
  });
}

}  // namespace

double Tensor::at(std::initializer_list<int64_t> index) const {
  return read_element(*this, element_offset(*this, index.begin(), index.size()));
}

double Tensor::at(const std::vector<int64_t>& index) const {
  return read_element(*this, element_offset(*this, index.data(), index.size()));
}

void Tensor::set(const std::vector<int64_t>& index, double value) {
  const int64_t off = element_offset(*this, index.data(), index.size());
  dispatch_dtype(dtype(), [&](auto tag) {
    using T = decltype(tag);
    static_cast<T*>(storage()->data())[off] = static_cast<T>(value);
  });
}

double Tensor::item() const {
  if (numel() != 1)
    throw ShapeError(
        fmt::format("item(): tensor of shape {} has {} elements, expected exactly 1", shape_str(shape()), numel()));
  return read_element(*this, offset());
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  if constexpr (std::is_integral_v<T>) detail::check_integral_range(*this, "to_vector");
  std::vector<T> out(static_cast<size_t>(numel()));
  const kernels::StridedLayout layout{static_cast<int>(dim()), shape().data(), strides().data()};
  dispatch_dtype(dtype(), [&](auto tag) {
    using S = decltype(tag);
    kernels::strided_copy<S, T>(static_cast<const S*>(storage()->data()) + offset(), layout, out.data());
  });
  return out;
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<int64_t> Tensor::to_vector<int64_t>() const;

Tensor& Tensor::set_requires_grad(bool value) {
  if (value && !is_floating(dtype()))
    throw DTypeError(
        fmt::format("set_requires_grad: only float tensors can require gradients, got {}", dtype_name(dtype())));
  if (!value && impl().grad_fn)
    throw Error("set_requires_grad(false): only leaf tensors can change requires_grad; use detach()");
  impl().requires_grad = value;
  return *this;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = storage();
  impl->shape = shape();
  impl->strides = strides();
  impl->offset = offset();
  impl->dtype = dtype();
  return Tensor(std::move(impl));
}

// ---- creation ----

Tensor full(const Shape& shape, double value, DType dtype) {
  Tensor t = Tensor::empty(shape, dtype);
  dispatch_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    const T v = static_cast<T>(value);
    for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = v;
  });
  return t;
}

Tensor zeros(const Shape& shape, DType dtype) {
  Tensor t = Tensor::empty(shape, dtype);
  std::memset(t.raw_data(), 0, static_cast<size_t>(t.numel()) * dtype_size(dtype));
  return t;
}
Tensor ones(const Shape& shape, DType dtype) {
  return full(shape, 1.0, dtype);
}
Tensor zeros_like(const Tensor& t) {
  return zeros(t.shape(), t.dtype());
}
Tensor ones_like(const Tensor& t) {
  return ones(t.shape(), t.dtype());
}
Tensor scalar_tensor(double value, DType dtype) {
  return full({}, value, dtype);
}

Tensor arange(double start, double stop, double step, DType dtype) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
    throw ValueError("arange: step must be non-zero and bounds finite");
  const int64_t n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((stop - start) / step)));
  Tensor t = Tensor::empty({n}, dtype);
  for (int64_t i = 0; i < n; ++i) t.set({i}, start + static_cast<double>(i) * step);
  return t;
}

namespace {
template <class T>
Tensor from_values(const std::vector<T>& values, const Shape& shape) {
  check_shape_valid(shape, "from_vector");
  if (shape_numel(shape) != static_cast<int64_t>(values.size()))
    throw ShapeError(fmt::format("from_vector: {} values cannot fill shape {}", values.size(), shape_str(shape)));
  Tensor t = Tensor::empty(shape, dtype_of_v<T>);
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(T));
  return t;
}
}  // namespace

Tensor from_vector(const std::vector<float>& v, const Shape& s) {
  return from_values(v, s);
}
Tensor from_vector(const std::vector<double>& v, const Shape& s) {
  return from_values(v, s);
}
Tensor from_vector(const std::vector<int64_t>& v, const Shape& s) {
  return from_values(v, s);
}

Tensor randn(const Shape& shape, DType dtype, double mean, double stddev, Generator* gen) {
  Generator& g = gen ? *gen : default_generator();
  Tensor t = Tensor::empty(shape, dtype);
  dispatch_floating("randn", dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(g.normal(mean, stddev));
  });
  return t;
}

Tensor rand_uniform(const Shape& shape, double low, double high, DType dtype, Generator* gen) {
  Generator& g = gen ? *gen : default_generator();
  Tensor t = Tensor::empty(shape, dtype);
  dispatch_floating("rand_uniform", dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(g.uniform(low, high));
  });
  return t;
}

Tensor make_view(const Tensor& base, const Shape& shape, const Strides& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->shape = shape;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(std::move(impl));
}

}  // namespace deepfin
