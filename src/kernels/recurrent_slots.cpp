// Registers the optimized float32 recurrent step kernels over the reference ones;
// float64 (gradient checks) runs the reference.
#include "kernels/recurrent_slots.h"

#include "kernels/cpu/opt/recurrent_opt.h"
#include "kernels/cpu/ref/recurrent_ref.h"

namespace deepfin::kernels {

template <>
const KernelSlot<RnnStepForwardFn<float>>& rnn_step_forward_slot<float>() {
  static const KernelSlot<RnnStepForwardFn<float>> slot("rnn_step_forward", &ref::rnn_step_forward<float>,
                                                        &opt::rnn_step_forward);
  return slot;
}
template <>
const KernelSlot<RnnStepForwardFn<double>>& rnn_step_forward_slot<double>() {
  static const KernelSlot<RnnStepForwardFn<double>> slot("rnn_step_forward", &ref::rnn_step_forward<double>);
  return slot;
}
template <>
const KernelSlot<RnnStepBackwardFn<float>>& rnn_step_backward_slot<float>() {
  static const KernelSlot<RnnStepBackwardFn<float>> slot("rnn_step_backward", &ref::rnn_step_backward<float>,
                                                         &opt::rnn_step_backward);
  return slot;
}
template <>
const KernelSlot<RnnStepBackwardFn<double>>& rnn_step_backward_slot<double>() {
  static const KernelSlot<RnnStepBackwardFn<double>> slot("rnn_step_backward", &ref::rnn_step_backward<double>);
  return slot;
}

}  // namespace deepfin::kernels
