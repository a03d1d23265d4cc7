#pragma once
// A count ratio that is 0 when there is nothing to count (precision with no
// predicted positives, accuracy of no rows), as scikit-learn reports it.
#include <cstdint>

namespace deepfin::metrics::detail {

inline double safe_ratio(int64_t numerator, int64_t denominator) {
  return denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator) : 0.0;
}

}  // namespace deepfin::metrics::detail
