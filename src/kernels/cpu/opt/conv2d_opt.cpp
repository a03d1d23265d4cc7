// Optimized 2-D convolution as GEMM. With the im2col matrix P (rows = output
// pixels N*OH*OW, columns = taps kh*kw*cin, in the kernel's HWIO order) and the
// kernel W viewed as a (kh*kw*cin, cout) matrix:
//   forward          Y  = P @ W (+ bias)
//   weight gradient  dW = P^T @ dY,  db = column sums of dY
//   input gradient   dX = col2im(dY @ W^T)
// A 1x1 kernel with stride 1 and no padding needs no P: the input already is it.
#include "kernels/cpu/opt/conv2d_opt.h"

#include <algorithm>
#include <cstring>

#include "deepfin/base/threads.h"
#include "kernels/gemm.h"

namespace deepfin::kernels {
namespace {

bool is_pointwise(const Conv2dGeometry& g) {
  return g.k_h == 1 && g.k_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0;
}

// Copies `count` values; a plain loop, since for the few channels of early
// layers (often 1) a memcpy call costs more than the copy.
template <class T>
inline void copy_channels(const T* src, T* dst, int64_t count) {
  for (int64_t c = 0; c < count; ++c) dst[c] = src[c];
}

// One input channel, a KW-wide kernel, stride 1, no padding or dilation (the
// seed CNN's first layer): every patch row is k_h runs of KW pixels, and a
// compile-time KW lets the copies unroll. The generic loop below spent most of
// its time on loop control for runs of 3 floats.
template <int KW, class T>
void im2col_one_channel(const Conv2dGeometry& g, const T* x, T* cols) {
  const int64_t image_rows = g.out_h * g.out_w, patch = g.k_h * KW;
#pragma omp parallel for if (worth_parallel(g.out_pixels() * g.patch_size()))
  for (int64_t n = 0; n < g.batch; ++n) {
    const T* image = x + n * g.in_h * g.in_w;
    T* rows = cols + n * image_rows * patch;
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      T* row = rows + oh * g.out_w * patch;
      for (int64_t kh = 0; kh < g.k_h; ++kh) {
        const T* src = image + (oh + kh) * g.in_w;
        for (int64_t ow = 0; ow < g.out_w; ++ow)
          for (int kw = 0; kw < KW; ++kw) row[ow * patch + kh * KW + kw] = src[ow + kw];
      }
    }
  }
}

bool is_valid_unit_stride(const Conv2dGeometry& g) {
  return g.stride_h == 1 && g.stride_w == 1 && g.dil_h == 1 && g.dil_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.out_h == g.in_h - g.k_h + 1 && g.out_w == g.in_w - g.k_w + 1;
}

// Writes the patch rows of every image into `cols` (out_pixels x patch_size).
template <class T>
void im2col(const Conv2dGeometry& g, const T* x, T* cols) {
  if (g.in_c == 1 && is_valid_unit_stride(g)) {
    if (g.k_w == 3) return im2col_one_channel<3>(g, x, cols);
    if (g.k_w == 5) return im2col_one_channel<5>(g, x, cols);
  }
  const int64_t image_rows = g.out_h * g.out_w;
  const int64_t cin = g.in_c;
#pragma omp parallel for if (worth_parallel(g.out_pixels() * g.patch_size()))
  for (int64_t n = 0; n < g.batch; ++n) {
    const T* image = x + n * g.in_h * g.in_w * cin;
    T* row = cols + n * image_rows * g.patch_size();
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        for (int64_t kh = 0; kh < g.k_h; ++kh) {
          const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dil_h;
          const bool row_inside = ih >= 0 && ih < g.in_h;
          const int64_t iw0 = ow * g.stride_w - g.pad_left;
          if (row_inside && g.dil_w == 1 && iw0 >= 0 && iw0 + g.k_w <= g.in_w) {
            // The whole kernel row lies inside: in NHWC it is one contiguous run.
            copy_channels(image + (ih * g.in_w + iw0) * cin, row, g.k_w * cin);
            row += g.k_w * cin;
            continue;
          }
          for (int64_t kw = 0; kw < g.k_w; ++kw, row += cin) {
            const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dil_w;
            if (row_inside && iw >= 0 && iw < g.in_w) {
              copy_channels(image + (ih * g.in_w + iw) * cin, row, cin);
            } else {
              for (int64_t c = 0; c < cin; ++c) row[c] = T(0);
            }
          }
        }
      }
    }
  }
}

// Adds every patch row of `cols` back into the pixels it came from. Images are
// independent, so the batch loop runs in parallel without races.
template <class T>
void col2im(const Conv2dGeometry& g, const T* cols, T* dx) {
  const int64_t image_rows = g.out_h * g.out_w;
  const int64_t cin = g.in_c;
  std::fill(dx, dx + g.batch * g.in_h * g.in_w * cin, T(0));
#pragma omp parallel for if (worth_parallel(g.out_pixels() * g.patch_size()))
  for (int64_t n = 0; n < g.batch; ++n) {
    T* image = dx + n * g.in_h * g.in_w * cin;
    const T* row = cols + n * image_rows * g.patch_size();
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        for (int64_t kh = 0; kh < g.k_h; ++kh) {
          const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dil_h;
          for (int64_t kw = 0; kw < g.k_w; ++kw, row += cin) {
            const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dil_w;
            if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
            T* pixel = image + (ih * g.in_w + iw) * cin;
            for (int64_t c = 0; c < cin; ++c) pixel[c] += row[c];
          }
        }
      }
    }
  }
}

}  // namespace

int64_t conv2d_workspace_size(const Conv2dGeometry& g) {
  return is_pointwise(g) ? 0 : g.out_pixels() * g.patch_size();
}

namespace opt {

template <class T>
void conv2d_forward(const Conv2dGeometry& g, const T* x, const T* w, const T* bias, T* y, T* workspace) {
  const int64_t m = g.out_pixels(), k = g.patch_size(), n = g.out_c;
  const T* patches = x;
  if (!is_pointwise(g)) {
    im2col(g, x, workspace);
    patches = workspace;
  }
  if (bias) {
    for (int64_t r = 0; r < m; ++r) copy_channels(bias, y + r * n, n);
  }
  gemm(false, false, m, n, k, T(1), patches, k, w, n, bias ? T(1) : T(0), y, n);
}

template <class T>
void conv2d_backward_input(const Conv2dGeometry& g, const T* dy, const T* w, T* dx, T* workspace) {
  const int64_t m = g.out_pixels(), k = g.patch_size(), n = g.out_c;
  if (is_pointwise(g)) {
    gemm(false, true, m, k, n, T(1), dy, n, w, n, T(0), dx, k);
    return;
  }
  gemm(false, true, m, k, n, T(1), dy, n, w, n, T(0), workspace, k);
  col2im(g, workspace, dx);
}

template <class T>
void conv2d_backward_weight(const Conv2dGeometry& g, const T* x, const T* dy, T* dw, T* db, T* workspace) {
  const int64_t m = g.out_pixels(), k = g.patch_size(), n = g.out_c;
  const T* patches = x;
  if (!is_pointwise(g)) {
    im2col(g, x, workspace);
    patches = workspace;
  }
  gemm(true, false, k, n, m, T(1), patches, k, dy, n, T(0), dw, n);
  if (db) {
    std::fill(db, db + n, T(0));
    for (int64_t r = 0; r < m; ++r) {
      const T* row = dy + r * n;
      for (int64_t c = 0; c < n; ++c) db[c] += row[c];
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

}  // namespace opt
}  // namespace deepfin::kernels
