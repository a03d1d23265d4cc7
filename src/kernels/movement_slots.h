#pragma once
// Kernel slots for the ops that move or select elements: gather and its
// scatter-add, concat, one-hot, and the dropout mask. Each slot holds the
// reference kernel (kernels/cpu/ref) and an optimized one (kernels/cpu/opt); the
// registrations are rows of kernel_table.h. Kernels see raw, contiguous
// pointers; the ops validate indices and shapes before calling them.
#include <cstdint>

#include "kernels/dispatch.h"

namespace deepfin::kernels {

// x is (outer, axis_len, inner), idx has n_idx entries in [0, axis_len):
// out (outer, n_idx, inner) with out[o, j, i] = x[o, idx[j], i].
template <class T>
using GatherKernel = void(const T* x, const int64_t* idx, T* out, int64_t outer, int64_t axis_len, int64_t n_idx,
                          int64_t inner);
// The scatter-add that inverts gather: gx[o, idx[j], i] += g[o, j, i]. gx must be
// zeroed by the caller. Contributions to one element are added in j order, so the
// result does not depend on the thread count.
template <class T>
using GatherBackwardKernel = void(const T* g, const int64_t* idx, T* gx, int64_t outer, int64_t axis_len, int64_t n_idx,
                                  int64_t inner);
// Copies src (outer, src_cols) into the columns [dst_col, dst_col + src_cols) of dst (outer, dst_cols).
template <class T>
using ConcatCopyKernel = void(const T* src, T* dst, int64_t outer, int64_t src_cols, int64_t dst_cols, int64_t dst_col);
// out (n, classes) = 0 except out[i, labels[i]] = 1; labels already validated.
template <class T>
using OneHotKernel = void(const int64_t* labels, T* out, int64_t n, int64_t classes);

// ---- dropout ----------------------------------------------------------------

// out = x * mask, element-wise over n elements (mask holds 0 or 1 / (1 - rate)).
template <class T>
using MaskMultiplyKernel = void(const T* x, const T* mask, T* out, int64_t n);

// Slots for T in {float, double} (gather, concat and one-hot also int64_t).
template <class T>
const KernelSlot<GatherKernel<T>>& gather_slot();
template <class T>
const KernelSlot<GatherBackwardKernel<T>>& gather_backward_slot();
template <class T>
const KernelSlot<ConcatCopyKernel<T>>& concat_copy_slot();
template <class T>
const KernelSlot<OneHotKernel<T>>& one_hot_slot();
template <class T>
const KernelSlot<MaskMultiplyKernel<T>>& mask_multiply_slot();

}  // namespace deepfin::kernels
