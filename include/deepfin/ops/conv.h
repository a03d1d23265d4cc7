#pragma once
// 2-D convolution on channels-last images, Keras layout: x (N, H, W, Cin),
// kernel (kh, kw, Cin, Cout), bias (Cout).
#include <array>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin {

enum class Padding { valid, same };
// Parses "valid" / "same"; ConfigError otherwise.
Padding padding_from_name(const std::string& name);
const char* padding_name(Padding p);

struct Conv2dOptions {
  std::array<int64_t, 2> strides{1, 1};
  Padding padding = Padding::valid;
  std::array<int64_t, 2> dilation{1, 1};
};

// Output spatial size of one axis under Keras rules.
int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, Padding padding);

// Padding placed before the first element of one axis (top or left). Keras/TF
// "same": pad_total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0),
// and the extra odd cell goes after, so this is pad_total / 2; "valid" pads nothing.
int64_t conv_pad_before(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, Padding padding);

// `bias` may be undefined.
Tensor conv2d(const Tensor& x, const Tensor& kernel, const Tensor& bias = {}, const Conv2dOptions& options = {});

}  // namespace deepfin
