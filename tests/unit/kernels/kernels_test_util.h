#pragma once
// Shared by the kernel tests (one definition, so they can share a unity build).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace deepfin::testing {

// Element-wise |got - want| <= tol * (1 + |want|); names the first element that is not.
template <class T>
::testing::AssertionResult close(const std::vector<T>& got, const std::vector<T>& want, double tol,
                                 const std::string& what) {
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::abs(got[i] - want[i]) <= tol * (1 + std::abs(want[i]))))
      return ::testing::AssertionFailure() << what << " element " << i << ": " << got[i] << " vs " << want[i];
  return ::testing::AssertionSuccess();
}

}  // namespace deepfin::testing
