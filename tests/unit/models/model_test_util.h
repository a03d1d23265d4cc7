#pragma once
// Small synthetic data sets and helpers for the model tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "deepfin/deepfin.h"
#include "deepfin/losses/loss.h"
#include "testing/gradcheck.h"

namespace deepfin::testing {

// Three Gaussian blobs in 4-D with one-hot labels: separable, so training must help.
struct Blobs {
  Tensor x, y_onehot, y_sparse;
};
inline Blobs make_blobs(int64_t n, uint64_t seed) {
  Generator gen(seed);
  std::vector<float> x(static_cast<size_t>(n * 4)), onehot(static_cast<size_t>(n * 3), 0.f);
  std::vector<int64_t> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = static_cast<int64_t>(gen.below(3));
    labels[i] = c;
    onehot[i * 3 + c] = 1.f;
    for (int64_t j = 0; j < 4; ++j) x[i * 4 + j] = static_cast<float>(gen.normal(j == c ? 2.0 : 0.0, 0.7));
  }
  return {from_vector(x, {n, 4}), from_vector(onehot, {n, 3}), from_vector(labels, {n})};
}

inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("deepfin_models_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

inline ::testing::AssertionResult same_bits(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure() << shape_str(a.shape()) << " vs " << shape_str(b.shape());
  const auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  for (size_t i = 0; i < va.size(); ++i)
    if (va[i] != vb[i]) return ::testing::AssertionFailure() << "element " << i << ": " << va[i] << " vs " << vb[i];
  return ::testing::AssertionSuccess();
}

#define EXPECT_THROW_WITH(statement, exception_type, needle)                                       \
  do {                                                                                             \
    try {                                                                                          \
      statement;                                                                                   \
      ADD_FAILURE() << "expected " #exception_type " from: " #statement;                           \
    } catch (const exception_type& e) {                                                            \
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message: " << e.what(); \
    }                                                                                              \
  } while (0)

}  // namespace deepfin::testing
