#pragma once
// One contiguous block for all of a model's trainable weights, and one for
// their gradients. bind() moves every weight's values into the arena and
// re-points the weight's TensorImpl at it, so layers keep their handles; each
// weight's .grad is pre-set to a view of the gradient arena, into which the
// autograd engine accumulates. An optimizer step is then one call over
// (params(), grads(), size()), and an all-reduce would be one call too.
#include <cstdint>
#include <memory>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::nn {

class ParameterArena {
 public:
  ParameterArena() = default;
  ParameterArena(const ParameterArena&) = delete;
  ParameterArena& operator=(const ParameterArena&) = delete;

  // All weights must share one floating dtype (DTypeError otherwise) and be
  // distinct. Weights already bound elsewhere are moved here.
  void bind(const std::vector<Tensor>& weights);
  bool bound() const { return params_ != nullptr; }

  int64_t size() const { return size_; }  // elements
  DType dtype() const { return dtype_; }
  // Element counts of the weights, in bind order (for per-variable clipping).
  const std::vector<int64_t>& sizes() const { return sizes_; }

  void* params_data() const;
  void* grads_data() const;
  // Typed access; DTypeError if T is not the arena's type.
  template <class T>
  T* params() const {
    check(dtype_of_v<T>);
    return static_cast<T*>(params_data());
  }
  template <class T>
  T* grads() const {
    check(dtype_of_v<T>);
    return static_cast<T*>(grads_data());
  }
  // Where a bound weight's elements start in both arenas; -1 for any other tensor.
  int64_t offset_of(const TensorImpl& weight) const;
  // Flat (size()) views of both arenas, without autograd.
  Tensor params_tensor() const;
  Tensor grads_tensor() const;

  // memset 0 of the gradient arena; call before each backward pass.
  void zero_grads();

 private:
  void check(DType t) const;

  std::shared_ptr<Storage> params_;
  std::shared_ptr<Storage> grads_;
  std::vector<int64_t> sizes_;
  // Each bound weight and its gradient view into grads_: zero_grads() re-attaches
  // a view that user code dropped (e.g. with Tensor::zero_grad()).
  std::vector<std::pair<std::weak_ptr<TensorImpl>, std::shared_ptr<TensorImpl>>> bindings_;
  int64_t size_ = 0;
  DType dtype_ = DType::float32;
};

}  // namespace deepfin::nn
