#include "core/integral_range.h"

#include <fmt/format.h>

#include <cmath>

#include "kernels/strided.h"

namespace deepfin::detail {

void check_integral_range(const Tensor& t, const char* op) {
  if (!is_floating(t.dtype())) return;
  const std::vector<double> values = t.to_vector<double>();
  constexpr double kLimit = 9223372036854775808.0;  // 2^63: the first double int64 cannot hold
  for (size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= -kLimit && values[i] < kLimit))
      throw ValueError(fmt::format("{}: element {} is {}, which has no int64 value", op, i, values[i]));
}

}  // namespace deepfin::detail
