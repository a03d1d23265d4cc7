// Reference 2-D convolution, NHWC input and HWIO kernel. Each function walks the
// same seven loops (batch, output row, output column, output channel, kernel
// row, kernel column, input channel); the input pixel a tap reads is
//   ih = oh * stride_h - pad_top + kh * dil_h   (likewise for columns),
// and taps that fall in the padding read zero.
#include "kernels/cpu/ref/conv2d_ref.h"

#include <algorithm>

namespace deepfin::kernels::ref {
namespace {

bool inside(int64_t i, int64_t size) {
  return i >= 0 && i < size;
}

}  // namespace

template <class T>
void conv2d_forward(const Conv2dGeometry& g, const T* x, const T* w, const T* bias, T* y, T* /*workspace*/) {
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        for (int64_t co = 0; co < g.out_c; ++co) {
          T acc = bias ? bias[co] : T(0);
          for (int64_t kh = 0; kh < g.k_h; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dil_h;
            if (!inside(ih, g.in_h)) continue;
            for (int64_t kw = 0; kw < g.k_w; ++kw) {
              const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dil_w;
              if (!inside(iw, g.in_w)) continue;
              for (int64_t ci = 0; ci < g.in_c; ++ci) {
                acc += x[((n * g.in_h + ih) * g.in_w + iw) * g.in_c + ci] *
                       w[((kh * g.k_w + kw) * g.in_c + ci) * g.out_c + co];
              }
            }
          }
          y[((n * g.out_h + oh) * g.out_w + ow) * g.out_c + co] = acc;
        }
      }
    }
  }
}

template <class T>
void conv2d_backward_input(const Conv2dGeometry& g, const T* dy, const T* w, T* dx, T* /*workspace*/) {
  std::fill(dx, dx + g.batch * g.in_h * g.in_w * g.in_c, T(0));
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        for (int64_t co = 0; co < g.out_c; ++co) {
          const T grad = dy[((n * g.out_h + oh) * g.out_w + ow) * g.out_c + co];
          for (int64_t kh = 0; kh < g.k_h; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dil_h;
            if (!inside(ih, g.in_h)) continue;
            for (int64_t kw = 0; kw < g.k_w; ++kw) {
              const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dil_w;
              if (!inside(iw, g.in_w)) continue;
              for (int64_t ci = 0; ci < g.in_c; ++ci) {
                dx[((n * g.in_h + ih) * g.in_w + iw) * g.in_c + ci] +=
                    grad * w[((kh * g.k_w + kw) * g.in_c + ci) * g.out_c + co];
              }
            }
          }
        }
      }
    }
  }
}

template <class T>
void conv2d_backward_weight(const Conv2dGeometry& g, const T* x, const T* dy, T* dw, T* db, T* /*workspace*/) {
  std::fill(dw, dw + g.patch_size() * g.out_c, T(0));
  if (db) std::fill(db, db + g.out_c, T(0));
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        for (int64_t co = 0; co < g.out_c; ++co) {
          const T grad = dy[((n * g.out_h + oh) * g.out_w + ow) * g.out_c + co];
          if (db) db[co] += grad;
          for (int64_t kh = 0; kh < g.k_h; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dil_h;
            if (!inside(ih, g.in_h)) continue;
            for (int64_t kw = 0; kw < g.k_w; ++kw) {
              const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dil_w;
              if (!inside(iw, g.in_w)) continue;
              for (int64_t ci = 0; ci < g.in_c; ++ci) {
                dw[((kh * g.k_w + kw) * g.in_c + ci) * g.out_c + co] +=
                    grad * x[((n * g.in_h + ih) * g.in_w + iw) * g.in_c + ci];
              }
            }
          }
        }
      }
    }
  }
}

#define DEEPFIN_INSTANTIATE(T)                                                                  \
  template void conv2d_forward<T>(const Conv2dGeometry&, const T*, const T*, const T*, T*, T*); \
  template void conv2d_backward_input<T>(const Conv2dGeometry&, const T*, const T*, T*, T*);    \
  template void conv2d_backward_weight<T>(const Conv2dGeometry&, const T*, const T*, T*, T*, T*);
DEEPFIN_INSTANTIATE(float)
DEEPFIN_INSTANTIATE(double)
#undef DEEPFIN_INSTANTIATE

}  // namespace deepfin::kernels::ref
