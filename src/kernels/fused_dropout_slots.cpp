// Registers the optimized float32 epilogue kernels over the reference ones.
#include "kernels/fused_dropout_slots.h"

#include "kernels/cpu/opt/fused_dropout_opt.h"
#include "kernels/cpu/ref/fused_dropout_ref.h"

namespace deepfin::kernels {

template <>
const KernelSlot<EpilogueForwardFn<float>>& epilogue_forward_slot<float>() {
  static const KernelSlot<EpilogueForwardFn<float>> slot("epilogue_forward", &ref::epilogue_forward<float>,
                                                         &opt::epilogue_forward);
  return slot;
}
template <>
const KernelSlot<EpilogueForwardFn<double>>& epilogue_forward_slot<double>() {
  static const KernelSlot<EpilogueForwardFn<double>> slot("epilogue_forward", &ref::epilogue_forward<double>);
  return slot;
}
template <>
const KernelSlot<EpilogueBackwardFn<float>>& epilogue_backward_slot<float>() {
  static const KernelSlot<EpilogueBackwardFn<float>> slot("epilogue_backward", &ref::epilogue_backward<float>,
                                                          &opt::epilogue_backward);
  return slot;
}
template <>
const KernelSlot<EpilogueBackwardFn<double>>& epilogue_backward_slot<double>() {
  static const KernelSlot<EpilogueBackwardFn<double>> slot("epilogue_backward", &ref::epilogue_backward<double>);
  return slot;
}

}  // namespace deepfin::kernels
