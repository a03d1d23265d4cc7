// Registers the optimized conv/pool kernels over the reference ones.
#include "kernels/conv_slots.h"

#include "kernels/cpu/opt/conv2d_opt.h"
#include "kernels/cpu/opt/pool2d_opt.h"
#include "kernels/cpu/ref/conv2d_ref.h"
#include "kernels/cpu/ref/pool2d_ref.h"

namespace deepfin::kernels {

#define DEEPFIN_SLOT(T, slot_fn, Fn, kernel)                                        \
  template <>                                                                       \
  const KernelSlot<Fn<T>>& slot_fn<T>() {                                           \
    static const KernelSlot<Fn<T>> slot(#kernel, &ref::kernel<T>, &opt::kernel<T>); \
    return slot;                                                                    \
  }

#define DEEPFIN_SLOTS(T)                                                                       \
  DEEPFIN_SLOT(T, conv2d_forward_slot, Conv2dForwardFn, conv2d_forward)                        \
  DEEPFIN_SLOT(T, conv2d_backward_input_slot, Conv2dBackwardInputFn, conv2d_backward_input)    \
  DEEPFIN_SLOT(T, conv2d_backward_weight_slot, Conv2dBackwardWeightFn, conv2d_backward_weight) \
  DEEPFIN_SLOT(T, max_pool2d_forward_slot, Pool2dForwardFn, max_pool2d_forward)                \
  DEEPFIN_SLOT(T, max_pool2d_backward_slot, MaxPool2dBackwardFn, max_pool2d_backward)          \
  DEEPFIN_SLOT(T, avg_pool2d_forward_slot, Pool2dForwardFn, avg_pool2d_forward)                \
  DEEPFIN_SLOT(T, avg_pool2d_backward_slot, AvgPool2dBackwardFn, avg_pool2d_backward)

DEEPFIN_SLOTS(float)
DEEPFIN_SLOTS(double)

#undef DEEPFIN_SLOTS
#undef DEEPFIN_SLOT

}  // namespace deepfin::kernels
