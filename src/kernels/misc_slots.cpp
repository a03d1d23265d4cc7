#include "kernels/misc_slots.h"

#include "kernels/cpu/opt/concat_opt.h"
#include "kernels/cpu/opt/dropout_opt.h"
#include "kernels/cpu/opt/gather_opt.h"
#include "kernels/cpu/opt/loss_opt.h"
#include "kernels/cpu/ref/concat_ref.h"
#include "kernels/cpu/ref/dropout_ref.h"
#include "kernels/cpu/ref/gather_ref.h"
#include "kernels/cpu/ref/loss_ref.h"

namespace deepfin::kernels {

// Each slot is a function-local static: built on first use, never torn down early.
#define DEEPFIN_SLOT(slot_fn, Kernel, name, ref_fn, opt_fn)        \
  template <class T>                                               \
  const KernelSlot<Kernel<T>>& slot_fn() {                         \
    static const KernelSlot<Kernel<T>> slot(name, ref_fn, opt_fn); \
    return slot;                                                   \
  }

DEEPFIN_SLOT(gather_slot, GatherKernel, "gather", &ref::gather<T>, &opt::gather<T>)
DEEPFIN_SLOT(gather_backward_slot, GatherBackwardKernel, "gather_backward", &ref::gather_backward<T>,
             &opt::gather_backward<T>)
DEEPFIN_SLOT(concat_copy_slot, ConcatCopyKernel, "concat_copy", &ref::concat_copy<T>, &opt::concat_copy<T>)
DEEPFIN_SLOT(one_hot_slot, OneHotKernel, "one_hot", &ref::one_hot<T>, nullptr)
DEEPFIN_SLOT(mask_multiply_slot, MaskMultiplyKernel, "mask_multiply", &ref::mask_multiply<T>, &opt::mask_multiply<T>)
DEEPFIN_SLOT(softmax_xent_slot, SoftmaxXentKernel, "softmax_xent", &ref::softmax_xent<T>, &opt::softmax_xent<T>)
DEEPFIN_SLOT(softmax_xent_backward_slot, SoftmaxXentBackwardKernel, "softmax_xent_backward",
             &ref::softmax_xent_backward<T>, &opt::softmax_xent_backward<T>)
DEEPFIN_SLOT(sparse_xent_slot, SparseXentKernel, "sparse_xent", &ref::sparse_xent<T>, &opt::sparse_xent<T>)
DEEPFIN_SLOT(sparse_xent_backward_slot, SparseXentBackwardKernel, "sparse_xent_backward", &ref::sparse_xent_backward<T>,
             &opt::sparse_xent_backward<T>)
DEEPFIN_SLOT(categorical_xent_slot, CategoricalXentKernel, "categorical_xent", &ref::categorical_xent<T>,
             &opt::categorical_xent<T>)
DEEPFIN_SLOT(categorical_xent_backward_slot, CategoricalXentBackwardKernel, "categorical_xent_backward",
             &ref::categorical_xent_backward<T>, &opt::categorical_xent_backward<T>)
DEEPFIN_SLOT(pointwise_loss_slot, PointwiseLossKernel, "pointwise_loss", &ref::pointwise_loss<T>,
             &opt::pointwise_loss<T>)
DEEPFIN_SLOT(pointwise_loss_backward_slot, PointwiseLossBackwardKernel, "pointwise_loss_backward",
             &ref::pointwise_loss_backward<T>, &opt::pointwise_loss_backward<T>)
#undef DEEPFIN_SLOT

#define DEEPFIN_INSTANTIATE_MOVES(T)                                     \
  template const KernelSlot<GatherKernel<T>>& gather_slot<T>();          \
  template const KernelSlot<ConcatCopyKernel<T>>& concat_copy_slot<T>(); \
  template const KernelSlot<OneHotKernel<T>>& one_hot_slot<T>();
#define DEEPFIN_INSTANTIATE_FLOATING(T)                                                             \
  template const KernelSlot<GatherBackwardKernel<T>>& gather_backward_slot<T>();                    \
  template const KernelSlot<MaskMultiplyKernel<T>>& mask_multiply_slot<T>();                        \
  template const KernelSlot<SoftmaxXentKernel<T>>& softmax_xent_slot<T>();                          \
  template const KernelSlot<SoftmaxXentBackwardKernel<T>>& softmax_xent_backward_slot<T>();         \
  template const KernelSlot<SparseXentKernel<T>>& sparse_xent_slot<T>();                            \
  template const KernelSlot<SparseXentBackwardKernel<T>>& sparse_xent_backward_slot<T>();           \
  template const KernelSlot<CategoricalXentKernel<T>>& categorical_xent_slot<T>();                  \
  template const KernelSlot<CategoricalXentBackwardKernel<T>>& categorical_xent_backward_slot<T>(); \
  template const KernelSlot<PointwiseLossKernel<T>>& pointwise_loss_slot<T>();                      \
  template const KernelSlot<PointwiseLossBackwardKernel<T>>& pointwise_loss_backward_slot<T>();
DEEPFIN_INSTANTIATE_MOVES(float)
DEEPFIN_INSTANTIATE_MOVES(double)
DEEPFIN_INSTANTIATE_MOVES(int64_t)
DEEPFIN_INSTANTIATE_FLOATING(float)
DEEPFIN_INSTANTIATE_FLOATING(double)
#undef DEEPFIN_INSTANTIATE_MOVES
#undef DEEPFIN_INSTANTIATE_FLOATING

}  // namespace deepfin::kernels
