#pragma once
// Fashion-MNIST from the Debian package dataset-fashion-mnist, shaped like
// keras.datasets.fashion_mnist after the usual preprocessing:
//   auto [x_train, y_train, x_test, y_test] = data::load_fashion_mnist();
#include <cstdint>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::data {

struct FashionMnistOptions {
  std::string dir = "/usr/share/datasets/fashion-mnist";
  bool one_hot = true;       // labels as float32 (N, 10); else int64 (N,)
  bool normalize = true;     // pixels scaled to [0, 1]; else 0..255 as float32
  int64_t limit_train = -1;  // read only the first n training samples (-1 = all 60000)
  int64_t limit_test = -1;   // read only the first n test samples (-1 = all 10000)
};

struct Dataset {
  Tensor x_train, y_train, x_test, y_test;
};

// Images are NHWC float32 (N, 28, 28, 1). NotFoundError, with the apt-get line
// to fix it, if the directory or one of its four files is missing.
Dataset load_fashion_mnist(const FashionMnistOptions& options = {});

}  // namespace deepfin::data
