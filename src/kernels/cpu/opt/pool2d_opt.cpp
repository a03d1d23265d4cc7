// Optimized NHWC pooling. Windows are walked in row-major order with the channel
// loop innermost, so each step is a contiguous, vectorizable run of C values,
// and a strict `>` keeps the first maximum exactly as the reference does.
// Forward passes parallelize over (image, output row); backward passes scatter
// into overlapping windows, so they parallelize over images only.
#include "kernels/cpu/opt/pool2d_opt.h"

#include <algorithm>
#include <vector>

#include "deepfin/base/threads.h"

namespace deepfin::kernels::opt {
namespace {

int64_t pool_work(const Pool2dGeometry& g) {
  return g.batch * g.out_h * g.out_w * g.channels * g.pool_h * g.pool_w;
}

// For each channel, the offset (within the image) of the window's first maximum.
template <class T>
void window_argmax(const Pool2dGeometry& g, const T* image, const PoolWindow& win, T* best, int64_t* where) {
  const int64_t C = g.channels;
  bool first = true;
  for (int64_t ih = win.h0; ih < win.h1; ++ih) {
    for (int64_t iw = win.w0; iw < win.w1; ++iw) {
      const int64_t base = (ih * g.in_w + iw) * C;
      const T* px = image + base;
      if (first) {
        for (int64_t c = 0; c < C; ++c) best[c] = px[c], where[c] = base + c;
        first = false;
        continue;
      }
      for (int64_t c = 0; c < C; ++c) {
        const bool larger = px[c] > best[c];
        best[c] = larger ? px[c] : best[c];
        where[c] = larger ? base + c : where[c];
      }
    }
  }
}

// 2x2 windows at stride 2 that lie inside the image (Keras's default pool):
// the window's first maximum is found with the same strict `>` chain as
// window_argmax, and its four gradient cells are written as selects, channel
// by channel, with no index arrays. Cells no window covers (an odd last row or
// column) are zeroed first.
bool is_plain_2x2(const Pool2dGeometry& g) {
  return g.pool_h == 2 && g.pool_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.pad_top == 0 && g.pad_left == 0 &&
         2 * g.out_h <= g.in_h && 2 * g.out_w <= g.in_w;
}

// One window's four gradient cells, for every channel. The pointers never
// alias (inputs and outputs are separate tensors); saying so, and keeping the
// body branch-free, lets the compiler run it on whole vectors of channels.
template <class T>
inline void window_2x2_backward(const T* __restrict p0, const T* __restrict p1, const T* __restrict p2,
                                const T* __restrict p3, const T* __restrict grad, T* __restrict d0, T* __restrict d1,
                                T* __restrict d2, T* __restrict d3, int64_t channels) {
#pragma omp simd
  for (int64_t c = 0; c < channels; ++c) {
    // The maximum by the forward pass's strict `>` chain (NaN only if p0 is NaN,
    // and then p0 wins, as there); the first cell equal to it takes the gradient.
    T best = p0[c];
    best = p1[c] > best ? p1[c] : best;
    best = p2[c] > best ? p2[c] : best;
    best = p3[c] > best ? p3[c] : best;
    const T g = grad[c];
    const bool first = p0[c] == best || best != best;
    d0[c] = first ? g : T(0);
    T rest = first ? T(0) : g;
    d1[c] = p1[c] == best ? rest : T(0);
    rest = p1[c] == best ? T(0) : rest;
    d2[c] = p2[c] == best ? rest : T(0);
    d3[c] = p2[c] == best ? T(0) : rest;
  }
}

// One window's maximum for every channel, by the same strict `>` chain.
template <class T>
inline void window_2x2_max(const T* __restrict p0, const T* __restrict p1, const T* __restrict p2,
                           const T* __restrict p3, T* __restrict out, int64_t channels) {
#pragma omp simd
  for (int64_t c = 0; c < channels; ++c) {
    T best = p0[c];
    best = p1[c] > best ? p1[c] : best;
    best = p2[c] > best ? p2[c] : best;
    out[c] = p3[c] > best ? p3[c] : best;
  }
}

template <class T>
void max_pool2d_backward_2x2(const Pool2dGeometry& g, const T* x, const T* dy, T* dx) {
  const int64_t C = g.channels, row = g.in_w * C, image_size = g.in_h * row;
  const bool uncovered = 2 * g.out_h != g.in_h || 2 * g.out_w != g.in_w;
#pragma omp parallel for if (worth_parallel(pool_work(g)))
  for (int64_t n = 0; n < g.batch; ++n) {
    const T* image = x + n * image_size;
    T* grad_image = dx + n * image_size;
    if (uncovered) std::fill(grad_image, grad_image + image_size, T(0));
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const int64_t base = 2 * oh * row + 2 * ow * C;
        const T* p = image + base;
        T* d = grad_image + base;
        window_2x2_backward(p, p + C, p + row, p + row + C, dy + ((n * g.out_h + oh) * g.out_w + ow) * C, d, d + C,
                            d + row, d + row + C, C);
      }
  }
}

}  // namespace

template <class T>
void max_pool2d_forward(const Pool2dGeometry& g, const T* x, T* y) {
  const int64_t C = g.channels;
  if (is_plain_2x2(g)) {
    const int64_t row = g.in_w * C;
#pragma omp parallel for collapse(2) if (worth_parallel(pool_work(g)))
    for (int64_t n = 0; n < g.batch; ++n)
      for (int64_t oh = 0; oh < g.out_h; ++oh)
        for (int64_t ow = 0; ow < g.out_w; ++ow) {
          const T* p = x + n * g.in_h * row + 2 * oh * row + 2 * ow * C;
          window_2x2_max(p, p + C, p + row, p + row + C, y + ((n * g.out_h + oh) * g.out_w + ow) * C, C);
        }
    return;
  }
#pragma omp parallel for collapse(2) if (worth_parallel(pool_work(g)))
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      const T* image = x + n * g.in_h * g.in_w * C;
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        T* out = y + ((n * g.out_h + oh) * g.out_w + ow) * C;
        const T* px = image + (win.h0 * g.in_w + win.w0) * C;
        std::copy(px, px + C, out);
        for (int64_t ih = win.h0; ih < win.h1; ++ih)
          for (int64_t iw = win.w0; iw < win.w1; ++iw) {
            px = image + (ih * g.in_w + iw) * C;
            for (int64_t c = 0; c < C; ++c) out[c] = px[c] > out[c] ? px[c] : out[c];
          }
      }
    }
  }
}

template <class T>
void max_pool2d_backward(const Pool2dGeometry& g, const T* x, const T* dy, T* dx) {
  const int64_t C = g.channels;
  const int64_t image_size = g.in_h * g.in_w * C;
  // Other geometries: each window's first maximum gets its gradient added
  // (windows may overlap), into an image zeroed just before, in cache.
  if (is_plain_2x2(g)) return max_pool2d_backward_2x2(g, x, dy, dx);
#pragma omp parallel if (worth_parallel(pool_work(g)))
  {
    std::vector<T> best(C);
    std::vector<int64_t> where(C);
#pragma omp for
    for (int64_t n = 0; n < g.batch; ++n) {
      const T* image = x + n * image_size;
      T* grad_image = dx + n * image_size;
      std::fill(grad_image, grad_image + image_size, T(0));
      for (int64_t oh = 0; oh < g.out_h; ++oh)
        for (int64_t ow = 0; ow < g.out_w; ++ow) {
          window_argmax(g, image, pool_window(g, oh, ow), best.data(), where.data());
          const T* grad = dy + ((n * g.out_h + oh) * g.out_w + ow) * C;
          for (int64_t c = 0; c < C; ++c) grad_image[where[c]] += grad[c];
        }
    }
  }
}

template <class T>
void avg_pool2d_forward(const Pool2dGeometry& g, const T* x, T* y) {
  const int64_t C = g.channels;
#pragma omp parallel for collapse(2) if (worth_parallel(pool_work(g)))
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      const T* image = x + n * g.in_h * g.in_w * C;
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        T* out = y + ((n * g.out_h + oh) * g.out_w + ow) * C;
        std::fill(out, out + C, T(0));
        for (int64_t ih = win.h0; ih < win.h1; ++ih)
          for (int64_t iw = win.w0; iw < win.w1; ++iw) {
            const T* px = image + (ih * g.in_w + iw) * C;
            for (int64_t c = 0; c < C; ++c) out[c] += px[c];
          }
        const T scale = T(1) / static_cast<T>(win.count());
        for (int64_t c = 0; c < C; ++c) out[c] *= scale;
      }
    }
  }
}

template <class T>
void avg_pool2d_backward(const Pool2dGeometry& g, const T* dy, T* dx) {
  const int64_t C = g.channels;
  const int64_t image_size = g.in_h * g.in_w * C;
  std::fill(dx, dx + g.batch * image_size, T(0));
#pragma omp parallel for if (worth_parallel(pool_work(g)))
  for (int64_t n = 0; n < g.batch; ++n) {
    T* grad_image = dx + n * image_size;
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        const T scale = T(1) / static_cast<T>(win.count());
        const T* grad = dy + ((n * g.out_h + oh) * g.out_w + ow) * C;
        for (int64_t ih = win.h0; ih < win.h1; ++ih)
          for (int64_t iw = win.w0; iw < win.w1; ++iw) {
            T* px = grad_image + (ih * g.in_w + iw) * C;
            for (int64_t c = 0; c < C; ++c) px[c] += grad[c] * scale;
          }
      }
  }
}

#define DEEPFIN_INSTANTIATE(T)                                                         \
  template void max_pool2d_forward<T>(const Pool2dGeometry&, const T*, T*);            \
  template void max_pool2d_backward<T>(const Pool2dGeometry&, const T*, const T*, T*); \
  template void avg_pool2d_forward<T>(const Pool2dGeometry&, const T*, T*);            \
  template void avg_pool2d_backward<T>(const Pool2dGeometry&, const T*, T*);
DEEPFIN_INSTANTIATE(float)
DEEPFIN_INSTANTIATE(double)
#undef DEEPFIN_INSTANTIATE

}  // namespace deepfin::kernels::opt
