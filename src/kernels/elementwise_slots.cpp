// The element-wise kernel slots: reference kernels for float, double (and
// int64 comparisons), with the optimized float32 kernels registered over them.
#include "kernels/elementwise_slots.h"

#include "kernels/cpu/opt/elementwise_opt.h"
#include "kernels/cpu/ref/elementwise_ref.h"

namespace deepfin::kernels {

// Declares slot<T>() for one T: the reference kernel plus an optional optimized one.
#define DEEPFIN_EW_SLOT(slot, Kernel, T, label, ref_fn, opt_fn)         \
  template <>                                                           \
  const KernelSlot<Kernel<T>>& slot<T>() {                              \
    static const KernelSlot<Kernel<T>> instance(label, ref_fn, opt_fn); \
    return instance;                                                    \
  }

DEEPFIN_EW_SLOT(binary_slot, BinaryKernel, float, "binary", &ref::binary_ew<float>, &opt::binary_ew)
DEEPFIN_EW_SLOT(binary_slot, BinaryKernel, double, "binary", &ref::binary_ew<double>, nullptr)
DEEPFIN_EW_SLOT(binary_slot, BinaryKernel, int64_t, "binary", &ref::binary_ew<int64_t>, nullptr)
DEEPFIN_EW_SLOT(where_slot, WhereKernel, float, "where", &ref::where_ew<float>, nullptr)
DEEPFIN_EW_SLOT(where_slot, WhereKernel, double, "where", &ref::where_ew<double>, nullptr)
DEEPFIN_EW_SLOT(unary_slot, UnaryKernel, float, "unary", &ref::unary_ew<float>, &opt::unary_ew)
DEEPFIN_EW_SLOT(unary_slot, UnaryKernel, double, "unary", &ref::unary_ew<double>, nullptr)
DEEPFIN_EW_SLOT(unary_backward_slot, UnaryBackwardKernel, float, "unary_backward", &ref::unary_ew_backward<float>,
                &opt::unary_ew_backward)
DEEPFIN_EW_SLOT(unary_backward_slot, UnaryBackwardKernel, double, "unary_backward", &ref::unary_ew_backward<double>,
                nullptr)
DEEPFIN_EW_SLOT(reduce_slot, ReduceKernel, float, "reduce", &ref::reduce_ew<float>, &opt::reduce_ew)
DEEPFIN_EW_SLOT(reduce_slot, ReduceKernel, double, "reduce", &ref::reduce_ew<double>, nullptr)
DEEPFIN_EW_SLOT(arg_reduce_slot, ArgReduceKernel, float, "arg_reduce", &ref::arg_reduce_ew<float>, nullptr)
DEEPFIN_EW_SLOT(arg_reduce_slot, ArgReduceKernel, double, "arg_reduce", &ref::arg_reduce_ew<double>, nullptr)
DEEPFIN_EW_SLOT(scatter_slot, ScatterKernel, float, "scatter", &ref::scatter_ew<float>, nullptr)
DEEPFIN_EW_SLOT(scatter_slot, ScatterKernel, double, "scatter", &ref::scatter_ew<double>, nullptr)
DEEPFIN_EW_SLOT(softmax_slot, SoftmaxKernel, float, "softmax", &ref::softmax_ew<float>, &opt::softmax_ew)
DEEPFIN_EW_SLOT(softmax_slot, SoftmaxKernel, double, "softmax", &ref::softmax_ew<double>, nullptr)
DEEPFIN_EW_SLOT(softmax_backward_slot, SoftmaxBackwardKernel, float, "softmax_backward",
                &ref::softmax_ew_backward<float>, &opt::softmax_ew_backward)
DEEPFIN_EW_SLOT(softmax_backward_slot, SoftmaxBackwardKernel, double, "softmax_backward",
                &ref::softmax_ew_backward<double>, nullptr)

#undef DEEPFIN_EW_SLOT

}  // namespace deepfin::kernels
