#pragma once
// train_test_split, like scikit-learn's: a (stratified) random partition of the samples.
#include <cstdint>

#include "deepfin/core/tensor.h"
#include "deepfin/data/categorical.h"

namespace deepfin::data {

struct SplitOptions {
  double test_size = 0.2;  // a fraction in (0, 1), or a sample count if >= 1
  uint64_t seed = 0;       // 0 = draw from default_generator()
  bool shuffle = true;     // false: the last samples form the test set
  bool stratify = false;   // keep each class's share of y in both parts (needs shuffle)
};

struct Split {
  Tensor x_train, x_test, y_train, y_test;
};

// Rows of x and y (axis 0) go to train or test together; the test part gets
// ceil(test_size * N) samples. Stratified, each class c of size n_c gets
// n_c * n_test / N test samples, rounded so the total is exact. ShapeError if
// x and y differ in sample count; ValueError for a test size that leaves a part empty.
Split train_test_split(const Tensor& x, const Tensor& y, const SplitOptions& options = {});

}  // namespace deepfin::data
