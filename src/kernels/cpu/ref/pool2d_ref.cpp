// Reference pooling, NHWC. A window is clipped to the input, so padded cells
// never win a max and never count in an average (Keras/TensorFlow semantics).
#include "kernels/cpu/ref/pool2d_ref.h"

#include <algorithm>

namespace deepfin::kernels::ref {
namespace {

// Index into x of the first maximum of channel c in window `win` of image n.
template <class T>
int64_t first_max_index(const Pool2dGeometry& g, const T* x, int64_t n, const PoolWindow& win, int64_t c) {
  int64_t best = -1;
  for (int64_t ih = win.h0; ih < win.h1; ++ih) {
    for (int64_t iw = win.w0; iw < win.w1; ++iw) {
      const int64_t idx = ((n * g.in_h + ih) * g.in_w + iw) * g.channels + c;
      if (best < 0 || x[idx] > x[best]) best = idx;
    }
  }
  return best;
}

}  // namespace

template <class T>
void max_pool2d_forward(const Pool2dGeometry& g, const T* x, T* y) {
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        for (int64_t c = 0; c < g.channels; ++c)
          y[((n * g.out_h + oh) * g.out_w + ow) * g.channels + c] = x[first_max_index(g, x, n, win, c)];
      }
}

template <class T>
void max_pool2d_backward(const Pool2dGeometry& g, const T* x, const T* dy, T* dx) {
  std::fill(dx, dx + g.batch * g.in_h * g.in_w * g.channels, T(0));
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        for (int64_t c = 0; c < g.channels; ++c)
          dx[first_max_index(g, x, n, win, c)] += dy[((n * g.out_h + oh) * g.out_w + ow) * g.channels + c];
      }
}

template <class T>
void avg_pool2d_forward(const Pool2dGeometry& g, const T* x, T* y) {
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        for (int64_t c = 0; c < g.channels; ++c) {
          T sum = 0;
          for (int64_t ih = win.h0; ih < win.h1; ++ih)
            for (int64_t iw = win.w0; iw < win.w1; ++iw) sum += x[((n * g.in_h + ih) * g.in_w + iw) * g.channels + c];
          y[((n * g.out_h + oh) * g.out_w + ow) * g.channels + c] = sum / static_cast<T>(win.count());
        }
      }
}

template <class T>
void avg_pool2d_backward(const Pool2dGeometry& g, const T* dy, T* dx) {
  std::fill(dx, dx + g.batch * g.in_h * g.in_w * g.channels, T(0));
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const PoolWindow win = pool_window(g, oh, ow);
        for (int64_t c = 0; c < g.channels; ++c) {
          const T share = dy[((n * g.out_h + oh) * g.out_w + ow) * g.channels + c] / static_cast<T>(win.count());
          for (int64_t ih = win.h0; ih < win.h1; ++ih)
            for (int64_t iw = win.w0; iw < win.w1; ++iw)
              dx[((n * g.in_h + ih) * g.in_w + iw) * g.channels + c] += share;
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

}  // namespace deepfin::kernels::ref
