#pragma once
// Input checks shared by the backtest functions; messages name the function, the array and the index.
#include <fmt/format.h>

#include <cmath>
#include <span>
#include <string_view>

#include "deepfin/base/error.h"

namespace deepfin::backtest::detail {

inline void check_not_empty(std::string_view where, std::string_view name, std::span<const double> values) {
  if (values.empty()) throw ValueError(fmt::format("{}: {} is empty", where, name));
}

inline void check_same_size(std::string_view where, std::string_view a_name, std::span<const double> a,
                            std::string_view b_name, std::span<const double> b) {
  if (a.size() != b.size()) {
    throw ShapeError(fmt::format("{}: {} has {} values but {} has {}", where, a_name, a.size(), b_name, b.size()));
  }
}

inline void check_finite(std::string_view where, std::string_view name, std::span<const double> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw ValueError(fmt::format("{}: {}[{}] is {}, expected a finite number", where, name, i, values[i]));
    }
  }
}

inline void check_positive_variances(std::string_view where, std::span<const double> variance) {
  for (size_t i = 0; i < variance.size(); ++i) {
    if (!(variance[i] > 0 && std::isfinite(variance[i]))) {
      throw ValueError(fmt::format("{}: variance[{}] is {}, expected a positive number", where, i, variance[i]));
    }
  }
}

}  // namespace deepfin::backtest::detail
