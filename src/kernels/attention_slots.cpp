// Registers the optimized float32 attention kernels over the reference ones;
// float64 (gradient checks) runs the reference.
#include "kernels/attention_slots.h"

#include "kernels/cpu/opt/attention_opt.h"
#include "kernels/cpu/ref/attention_ref.h"

namespace deepfin::kernels {

template <>
const KernelSlot<AttentionForwardFn<float>>& attention_forward_slot<float>() {
  static const KernelSlot<AttentionForwardFn<float>> slot("attention_forward", &ref::attention_forward<float>,
                                                          &opt::attention_forward);
  return slot;
}
template <>
const KernelSlot<AttentionForwardFn<double>>& attention_forward_slot<double>() {
  static const KernelSlot<AttentionForwardFn<double>> slot("attention_forward", &ref::attention_forward<double>);
  return slot;
}
template <>
const KernelSlot<AttentionBackwardFn<float>>& attention_backward_slot<float>() {
  static const KernelSlot<AttentionBackwardFn<float>> slot("attention_backward", &ref::attention_backward<float>,
                                                           &opt::attention_backward);
  return slot;
}
template <>
const KernelSlot<AttentionBackwardFn<double>>& attention_backward_slot<double>() {
  static const KernelSlot<AttentionBackwardFn<double>> slot("attention_backward", &ref::attention_backward<double>);
  return slot;
}

}  // namespace deepfin::kernels
