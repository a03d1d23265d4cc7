#pragma once
// Tensor: a typed, strided view into shared Storage, plus the autograd fields.
// Copying a Tensor copies the handle (like torch.Tensor), not the data.
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "deepfin/base/device.h"
#include "deepfin/core/dtype.h"
#include "deepfin/base/error.h"
#include "deepfin/core/shape.h"
#include "deepfin/core/storage.h"

namespace deepfin {

class Node;
class Generator;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;     // in elements
  int64_t offset = 0;  // in elements
  DType dtype = DType::float32;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;  // accumulated gradient of a leaf
  std::shared_ptr<Node> grad_fn;     // the node that produced this tensor, if any
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // An uninitialised contiguous tensor.
  static Tensor empty(const Shape& shape, DType dtype = DType::float32, Device device = {});

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  const Strides& strides() const { return impl().strides; }
  int64_t offset() const { return impl().offset; }
  int64_t dim() const { return static_cast<int64_t>(impl().shape.size()); }
  int64_t size(int64_t axis) const;  // negative axes count from the end
  int64_t numel() const { return shape_numel(impl().shape); }
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return impl().storage; }

  // Pointer to the first element (storage + offset). Throws DTypeError if T mismatches.
  template <class T>
  T* data() const {
    check_dtype(dtype_of_v<T>);
    return static_cast<T*>(impl().storage->data()) + impl().offset;
  }
  void* raw_data() const { return static_cast<char*>(impl().storage->data()) + impl().offset * dtype_size(dtype()); }

  // Element access by multi-index (bounds-checked), returned as double.
  double at(std::initializer_list<int64_t> index) const;
  double at(const std::vector<int64_t>& index) const;
  void set(const std::vector<int64_t>& index, double value);
  // The value of a one-element tensor.
  double item() const;
  // All elements in row-major order, converted to T.
  template <class T>
  std::vector<T> to_vector() const;

  // Views: share storage, carry autograd. reshape copies only when it must.
  Tensor reshape(const Shape& shape) const;  // one dimension may be -1
  Tensor flatten(int64_t start_axis = 0, int64_t end_axis = -1) const;
  Tensor permute(const std::vector<int64_t>& axes) const;
  Tensor transpose(int64_t a, int64_t b) const;
  Tensor slice(int64_t axis, int64_t start, int64_t stop, int64_t step = 1) const;
  Tensor select(int64_t axis, int64_t index) const;  // drops the axis
  Tensor squeeze(int64_t axis) const;
  Tensor unsqueeze(int64_t axis) const;
  Tensor broadcast_to(const Shape& shape) const;
  Tensor contiguous() const;     // same tensor if already contiguous
  Tensor clone() const;          // a contiguous copy, in the graph
  Tensor to(DType dtype) const;  // converted copy (differentiable between float types)

  // Autograd.
  bool requires_grad() const { return impl().requires_grad; }
  Tensor& set_requires_grad(bool value = true);
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  Tensor grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }
  void set_grad(const Tensor& g) { impl().grad = g.impl_; }
  void zero_grad() { impl().grad.reset(); }
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }
  // Runs backpropagation from this tensor. `gradient` is required unless numel()==1.
  void backward(const Tensor& gradient = {}, bool retain_graph = false) const;
  // Same data, cut from the graph.
  Tensor detach() const;

  std::string to_string(int64_t max_per_axis = 6) const;
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  TensorImpl& impl() const;

 private:
  void check_dtype(DType expected) const;
  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

// Creation.
Tensor zeros(const Shape& shape, DType dtype = DType::float32);
Tensor ones(const Shape& shape, DType dtype = DType::float32);
Tensor full(const Shape& shape, double value, DType dtype = DType::float32);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor arange(double start, double stop, double step = 1.0, DType dtype = DType::float32);
Tensor scalar_tensor(double value, DType dtype = DType::float32);
// Copies `values` into a tensor of `shape`; ShapeError if the counts differ.
Tensor from_vector(const std::vector<float>& values, const Shape& shape);
Tensor from_vector(const std::vector<double>& values, const Shape& shape);
Tensor from_vector(const std::vector<int64_t>& values, const Shape& shape);
// Random tensors from a generator (the default one unless given).
Tensor randn(const Shape& shape, DType dtype = DType::float32, double mean = 0.0, double stddev = 1.0,
             Generator* gen = nullptr);
Tensor rand_uniform(const Shape& shape, double low = 0.0, double high = 1.0, DType dtype = DType::float32,
                    Generator* gen = nullptr);

// Sums `t` over broadcast axes so it has `shape` (the inverse of broadcast_to);
// differentiable. Ops use it to reduce gradients of broadcast inputs.
Tensor sum_to_shape(const Tensor& t, const Shape& shape);

// In-place `dst += src` (same shape, src may broadcast); no autograd. Used to
// accumulate gradients into existing buffers such as a gradient arena.
void add_into(Tensor& dst, const Tensor& src);

// Makes a new tensor with the given storage layout (no autograd). For ops/kernels.
Tensor make_view(const Tensor& base, const Shape& shape, const Strides& strides, int64_t offset);

}  // namespace deepfin
