// The slot definitions, one per row of kernel_table.h: each slot is a
// function-local static (built on first use, never torn down early) holding the
// reference kernel and, where one exists, the optimized kernel registered over it.
#include "kernels/attention_slots.h"
#include "kernels/conv_slots.h"
#include "kernels/cpu/opt/attention_opt.h"
#include "kernels/cpu/opt/concat_opt.h"
#include "kernels/cpu/opt/conv2d_opt.h"
#include "kernels/cpu/opt/dropout_opt.h"
#include "kernels/cpu/opt/elementwise_opt.h"
#include "kernels/cpu/opt/fused_dropout_opt.h"
#include "kernels/cpu/opt/gather_opt.h"
#include "kernels/cpu/opt/layer_norm_opt.h"
#include "kernels/cpu/opt/loss_opt.h"
#include "kernels/cpu/opt/pool2d_opt.h"
#include "kernels/cpu/opt/q8_opt.h"
#include "kernels/cpu/opt/recurrent_opt.h"
#include "kernels/cpu/ref/attention_ref.h"
#include "kernels/cpu/ref/concat_ref.h"
#include "kernels/cpu/ref/conv2d_ref.h"
#include "kernels/cpu/ref/dropout_ref.h"
#include "kernels/cpu/ref/elementwise_ref.h"
#include "kernels/cpu/ref/fused_dropout_ref.h"
#include "kernels/cpu/ref/gather_ref.h"
#include "kernels/cpu/ref/layer_norm_ref.h"
#include "kernels/cpu/ref/loss_ref.h"
#include "kernels/cpu/ref/pool2d_ref.h"
#include "kernels/cpu/ref/q8_ref.h"
#include "kernels/cpu/ref/recurrent_ref.h"
#include "kernels/cpu/ref/rms_norm_ref.h"
#include "kernels/elementwise_slots.h"
#include "kernels/fused_dropout_slots.h"
#include "kernels/kernel_table.h"
#include "kernels/loss_slots.h"
#include "kernels/movement_slots.h"
#include "kernels/norm_slots.h"
#include "kernels/quant_slots.h"
#include "kernels/recurrent_slots.h"

namespace deepfin::kernels {

#define DEEPFIN_DEFINE_SLOT(slot_fn, Kernel, T, name, reference, optimized) \
  template <>                                                               \
  const KernelSlot<Kernel<T>>& slot_fn<T>() {                               \
    static const KernelSlot<Kernel<T>> slot(name, reference, optimized);    \
    return slot;                                                            \
  }

DEEPFIN_KERNEL_TABLE(DEEPFIN_DEFINE_SLOT)

#undef DEEPFIN_DEFINE_SLOT

}  // namespace deepfin::kernels
