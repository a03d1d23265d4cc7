#pragma once
// Weight-only int8 quantization for inference (generation), in ggml's Q8_0 form:
// each run of 32 weights along the input axis keeps one float scale s = max|w| / 127
// and int8 values q = round(w / s), so a weight costs 8.5 bits instead of 32 and the
// error of a weight is at most s / 2. Generation at batch 1 reads every weight once
// per token, so it runs at the speed memory delivers bytes: a quarter of the bytes.
// Inputs and outputs are float32; with AVX2 the kernel rounds each block of 32 inputs
// to int8 too (q8_opt.h). No gradient flows through a quantized product.
#include <cstdint>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin {

class Q8Weight {
 public:
  // `kernel` float32 or float64, (in, out) as Dense and CausalLM store kernels, or (out, in)
  // with out_by_in (a tied embedding used as the output head). ShapeError unless 2-D.
  static Q8Weight quantize(const Tensor& kernel, bool out_by_in = false);

  int64_t in() const { return in_; }
  int64_t out() const { return out_; }
  int64_t bytes() const;  // int8 values and float scales
  // The weights it represents, (in, out) float32: for tests and error measurement.
  Tensor dequantize() const;

  const int8_t* values() const { return q_.data(); }
  const float* scales() const { return scales_.data(); }
  int64_t padded_in() const { return padded_in_; }

 private:
  std::vector<int8_t> q_;      // (out, padded_in)
  std::vector<float> scales_;  // (out, padded_in / 32)
  int64_t in_ = 0, out_ = 0, padded_in_ = 0;
};

// x (..., in) float32 -> (..., out) = x dequant(W) + bias; ShapeError for a wrong last axis,
// DTypeError unless x is float32. The result carries no graph.
Tensor q8_linear(const Tensor& x, const Q8Weight& w, const Tensor& bias = {});

}  // namespace deepfin
