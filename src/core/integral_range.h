#pragma once
// A float that is NaN or outside int64's range has no integer value, and casting
// it is undefined behaviour (UBSan reports it): conversions from floating to
// integer tensors check first and name the element (a corrupt file's 4e228).
#include "deepfin/core/tensor.h"

namespace deepfin::detail {

// ValueError naming `op` and the first element of the floating tensor `t` that has no int64 value.
void check_integral_range(const Tensor& t, const char* op);

}  // namespace deepfin::detail
