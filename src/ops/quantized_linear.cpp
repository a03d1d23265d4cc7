#include "deepfin/ops/quantized_linear.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/ops/elementwise.h"
#include "kernels/quant_slots.h"

namespace deepfin {

Q8Weight Q8Weight::quantize(const Tensor& kernel, bool out_by_in) {
  if (kernel.dim() != 2)
    throw ShapeError(fmt::format("Q8Weight::quantize: a kernel must be 2-D, got {}", shape_str(kernel.shape())));
  // Rows of the stored form are outputs, so one output's weights are contiguous.
  const Tensor rows = (out_by_in ? kernel : kernel.transpose(0, 1)).to(DType::float32).contiguous();
  Q8Weight w;
  w.out_ = rows.size(0);
  w.in_ = rows.size(1);
  const int64_t block = kernels::kQ8Block;
  w.padded_in_ = (w.in_ + block - 1) / block * block;
  const int64_t blocks = w.padded_in_ / block;
  w.q_.assign(static_cast<size_t>(w.out_ * w.padded_in_), 0);
  w.scales_.assign(static_cast<size_t>(w.out_ * blocks), 0.0f);
  const float* src = rows.data<float>();
  for (int64_t o = 0; o < w.out_; ++o)
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t begin = b * block, end = std::min(w.in_, begin + block);
      float amax = 0.0f;
      for (int64_t i = begin; i < end; ++i) amax = std::max(amax, std::fabs(src[o * w.in_ + i]));
      const float scale = amax / 127.0f;
      w.scales_[static_cast<size_t>(o * blocks + b)] = scale;
      if (scale == 0.0f) continue;
      for (int64_t i = begin; i < end; ++i)
        w.q_[static_cast<size_t>(o * w.padded_in_ + i)] =
            static_cast<int8_t>(std::lround(std::clamp(src[o * w.in_ + i] / scale, -127.0f, 127.0f)));
    }
  return w;
}

int64_t Q8Weight::bytes() const {
  return static_cast<int64_t>(q_.size() + scales_.size() * sizeof(float));
}

Tensor Q8Weight::dequantize() const {
  Tensor out = Tensor::empty({in_, out_}, DType::float32);
  float* dst = out.data<float>();
  const int64_t blocks = padded_in_ / kernels::kQ8Block;
  for (int64_t o = 0; o < out_; ++o)
    for (int64_t i = 0; i < in_; ++i)
      dst[i * out_ + o] = static_cast<float>(q_[static_cast<size_t>(o * padded_in_ + i)]) *
                          scales_[static_cast<size_t>(o * blocks + i / kernels::kQ8Block)];
  return out;
}

Tensor q8_linear(const Tensor& x, const Q8Weight& w, const Tensor& bias) {
  if (x.dtype() != DType::float32) throw DTypeError("q8_linear: x must be float32");
  if (x.dim() < 1 || x.size(-1) != w.in())
    throw ShapeError(
        fmt::format("q8_linear: x {} does not end in the weight's {} inputs", shape_str(x.shape()), w.in()));
  const Tensor xc = x.detach().contiguous();
  const int64_t rows = x.numel() / w.in();
  Shape shape = x.shape();
  shape.back() = w.out();
  Tensor y = Tensor::empty(shape, DType::float32);
  kernels::q8_matmul_slot<float>().select(x.device())(rows, w.out(), w.padded_in(), w.in(), xc.data<float>(),
                                                      w.values(), w.scales(), y.data<float>());
  return bias.defined() ? add(y, bias.detach()) : y;
}

}  // namespace deepfin
