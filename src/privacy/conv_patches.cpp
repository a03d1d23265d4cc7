#include "privacy/conv_patches.h"

#include <algorithm>
#include <vector>

namespace deepfin::privacy::detail {
namespace {

// One spatial axis: input length, kernel, stride, dilation and the padding before it.
struct Axis {
  int64_t in = 1, kernel = 1, stride = 1, dilation = 1, pad_before = 0, out = 1;
};

// Keras's output length and leading padding for "valid", "same" and "causal".
std::optional<Axis> axis(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, const std::string& padding) {
  Axis a{in, kernel, stride, dilation, 0, 0};
  const int64_t span = (kernel - 1) * dilation + 1;
  if (padding == "valid") {
    a.out = in >= span ? (in - span) / stride + 1 : 0;
  } else if (padding == "same") {
    a.out = (in + stride - 1) / stride;
    a.pad_before = std::max<int64_t>((a.out - 1) * stride + span - in, 0) / 2;
  } else if (padding == "causal") {
    a.pad_before = span - 1;
    a.out = (in + a.pad_before - span) / stride + 1;
  } else {
    return std::nullopt;
  }
  return a;
}

// Floor and ceiling of a / b for b > 0 and any sign of a.
int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
int64_t ceil_div(int64_t a, int64_t b) {
  return -floor_div(-a, b);
}

// Kernel cell by kernel cell, so that the bounds are worked out once per row of
// outputs rather than for every copy; `out` starts zeroed (the padding).
template <class T>
void fill(const Tensor& x, const Axis& h, const Axis& w, int64_t channels, Tensor& out) {
  const T* src = x.data<T>();
  T* dst = out.data<T>();
  const int64_t batch = x.size(0), row = h.kernel * w.kernel * channels;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t oy = 0; oy < h.out; ++oy)
      for (int64_t dy = 0; dy < h.kernel; ++dy) {
        const int64_t iy = oy * h.stride + dy * h.dilation - h.pad_before;
        if (iy < 0 || iy >= h.in) continue;
        const T* src_row = src + (b * h.in + iy) * w.in * channels;
        T* dst_row = dst + (b * h.out + oy) * w.out * row;
        for (int64_t dx = 0; dx < w.kernel; ++dx) {
          // Outputs whose input column ix = ox stride + dx dilation - pad lies inside [0, in).
          const int64_t shift = dx * w.dilation - w.pad_before;
          const int64_t lo = std::max<int64_t>(0, ceil_div(-shift, w.stride));
          const int64_t hi = std::min<int64_t>(w.out, floor_div(w.in - 1 - shift, w.stride) + 1);
          T* cell = dst_row + (dy * w.kernel + dx) * channels;
          for (int64_t ox = lo; ox < hi; ++ox) {
            const T* pixel = src_row + (ox * w.stride + shift) * channels;
            T* target = cell + ox * row;
            for (int64_t c = 0; c < channels; ++c) target[c] = pixel[c];
          }
        }
      }
}

}  // namespace

std::optional<Tensor> conv_patches(const nn::Layer& conv, const Tensor& x_in, const Shape& output_shape) {
  const bool two_d = conv.class_name() == "Conv2D";
  if (!two_d && conv.class_name() != "Conv1D") return std::nullopt;
  if (x_in.dtype() != DType::float32 && x_in.dtype() != DType::float64) return std::nullopt;
  const nlohmann::json c = conv.get_config();
  if (c.value("groups", 1) != 1 || c.value("data_format", std::string("channels_last")) != "channels_last")
    return std::nullopt;
  const auto kernel = c.at("kernel_size").get<std::vector<int64_t>>();
  const auto strides = c.at("strides").get<std::vector<int64_t>>();
  const auto dilation = c.at("dilation_rate").get<std::vector<int64_t>>();
  const std::string padding = c.at("padding").get<std::string>();
  const Tensor x = x_in.contiguous();
  const size_t dims = two_d ? 2 : 1;
  if (kernel.size() != dims || strides.size() != dims || dilation.size() != dims ||
      x.dim() != static_cast<int64_t>(dims) + 2)
    return std::nullopt;
  std::optional<Axis> h = Axis{}, w;
  if (two_d) {
    h = axis(x.size(1), kernel[0], strides[0], dilation[0], padding);
    w = axis(x.size(2), kernel[1], strides[1], dilation[1], padding);
  } else {
    w = axis(x.size(1), kernel[0], strides[0], dilation[0], padding);
  }
  if (!h || !w) return std::nullopt;
  const Shape expected = two_d ? Shape{x.size(0), h->out, w->out} : Shape{x.size(0), w->out};
  if (output_shape.size() != expected.size() + 1 || !std::equal(expected.begin(), expected.end(), output_shape.begin()))
    return std::nullopt;
  const int64_t channels = x.size(-1);
  Tensor out = zeros({x.size(0), h->out * w->out, h->kernel * w->kernel * channels}, x.dtype());
  if (x.dtype() == DType::float64)
    fill<double>(x, *h, *w, channels, out);
  else
    fill<float>(x, *h, *w, channels, out);
  return out;
}

}  // namespace deepfin::privacy::detail
