// Registers the optimized float32 layer-norm kernels over the reference ones.
#include "kernels/norm_slots.h"

#include "kernels/cpu/opt/layer_norm_opt.h"
#include "kernels/cpu/ref/layer_norm_ref.h"

namespace deepfin::kernels {

template <>
const KernelSlot<LayerNormForwardFn<float>>& layer_norm_forward_slot<float>() {
  static const KernelSlot<LayerNormForwardFn<float>> slot("layer_norm_forward", &ref::layer_norm_forward<float>,
                                                          &opt::layer_norm_forward);
  return slot;
}
template <>
const KernelSlot<LayerNormForwardFn<double>>& layer_norm_forward_slot<double>() {
  static const KernelSlot<LayerNormForwardFn<double>> slot("layer_norm_forward", &ref::layer_norm_forward<double>);
  return slot;
}
template <>
const KernelSlot<LayerNormBackwardFn<float>>& layer_norm_backward_slot<float>() {
  static const KernelSlot<LayerNormBackwardFn<float>> slot("layer_norm_backward", &ref::layer_norm_backward<float>,
                                                           &opt::layer_norm_backward);
  return slot;
}
template <>
const KernelSlot<LayerNormBackwardFn<double>>& layer_norm_backward_slot<double>() {
  static const KernelSlot<LayerNormBackwardFn<double>> slot("layer_norm_backward", &ref::layer_norm_backward<double>);
  return slot;
}

}  // namespace deepfin::kernels
