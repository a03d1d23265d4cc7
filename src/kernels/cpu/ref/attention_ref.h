#pragma once
// Reference attention kernels (see kernels/attention_slots.h): plain loops that
// materialize one (Tq, Tk) probability block per (batch, head) pair.
#include "kernels/attention_slots.h"

namespace deepfin::kernels::ref {

template <class T>
void attention_forward(const AttentionArgs<T>& a, T* out, T* lse, T* probs);
template <class T>
void attention_backward(const AttentionArgs<T>& a, const T* out, const T* lse, const T* dout, T* dq, T* dk, T* dv);

}  // namespace deepfin::kernels::ref
