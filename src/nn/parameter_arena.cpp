#include "deepfin/nn/parameter_arena.h"

#include <fmt/format.h>

#include <cstring>

namespace deepfin::nn {

void ParameterArena::bind(const std::vector<Tensor>& weights) {
  DType dtype = weights.empty() ? DType::float32 : weights.front().dtype();
  int64_t total = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Tensor& w = weights[i];
    if (w.dtype() != dtype || !is_floating(w.dtype()))
      throw DTypeError(
          fmt::format("ParameterArena: all weights must share one floating dtype; weight {} is {}, "
                      "weight 0 is {}",
                      i, dtype_name(w.dtype()), dtype_name(dtype)));
    for (size_t j = 0; j < i; ++j)
      if (weights[j].is_same(w)) throw ValueError(fmt::format("ParameterArena: weight {} is listed twice", i));
    total += w.numel();
  }
  const size_t elem = dtype_size(dtype);
  const size_t bytes = static_cast<size_t>(total) * elem;
  auto params = std::make_shared<Storage>(bytes, Device::cpu());
  auto grads = std::make_shared<Storage>(bytes, Device::cpu());
  if (bytes) std::memset(grads->data(), 0, bytes);

  std::vector<int64_t> sizes;
  std::vector<std::pair<std::weak_ptr<TensorImpl>, std::shared_ptr<TensorImpl>>> bindings;
  int64_t offset = 0;
  for (const Tensor& w : weights) {
    const int64_t n = w.numel();
    const Tensor values = w.detach().contiguous();
    std::memcpy(static_cast<char*>(params->data()) + offset * elem, values.raw_data(), static_cast<size_t>(n) * elem);
    TensorImpl& impl = w.impl();
    impl.storage = params;
    impl.offset = offset;
    impl.strides = contiguous_strides(impl.shape);
    impl.requires_grad = true;
    auto grad = std::make_shared<TensorImpl>();
    grad->storage = grads;
    grad->shape = impl.shape;
    grad->strides = impl.strides;
    grad->offset = offset;
    grad->dtype = dtype;
    impl.grad = grad;
    bindings.emplace_back(w.impl_ptr(), std::move(grad));
    sizes.push_back(n);
    offset += n;
  }
  params_ = std::move(params);
  grads_ = std::move(grads);
  sizes_ = std::move(sizes);
  bindings_ = std::move(bindings);
  size_ = total;
  dtype_ = dtype;
}

int64_t ParameterArena::offset_of(const TensorImpl& weight) const {
  return params_ && weight.storage == params_ ? weight.offset : -1;
}

void* ParameterArena::params_data() const {
  return params_ ? params_->data() : nullptr;
}
void* ParameterArena::grads_data() const {
  return grads_ ? grads_->data() : nullptr;
}

void ParameterArena::check(DType t) const {
  if (t != dtype_)
    throw DTypeError(fmt::format("ParameterArena holds {} but {} was requested", dtype_name(dtype_), dtype_name(t)));
}

namespace {
Tensor flat_view(const std::shared_ptr<Storage>& storage, int64_t n, DType dtype) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = storage;
  impl->shape = {n};
  impl->strides = {1};
  impl->dtype = dtype;
  return Tensor(impl);
}
}  // namespace

Tensor ParameterArena::params_tensor() const {
  return bound() ? flat_view(params_, size_, dtype_) : Tensor();
}
Tensor ParameterArena::grads_tensor() const {
  return bound() ? flat_view(grads_, size_, dtype_) : Tensor();
}

void ParameterArena::zero_grads() {
  if (grads_ && size_) std::memset(grads_->data(), 0, static_cast<size_t>(size_) * dtype_size(dtype_));
  for (auto& [weight, grad] : bindings_)
    if (auto w = weight.lock(); w && w->grad != grad) w->grad = grad;
}

}  // namespace deepfin::nn
