#include "kernels/cpu/ref/recurrent_ref.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/ref/recurrent_cell.h"

namespace deepfin::kernels::ref {
namespace {

struct StdMath {
  template <class T>
  static void activate(RnnActivation act, T* x, int64_t n) {
    switch (act) {
      case RnnActivation::tanh:
        for (int64_t k = 0; k < n; ++k) x[k] = std::tanh(x[k]);
        break;
      case RnnActivation::sigmoid:
        for (int64_t k = 0; k < n; ++k) x[k] = T(1) / (T(1) + std::exp(-x[k]));
        break;
      case RnnActivation::relu:
        for (int64_t k = 0; k < n; ++k) x[k] = std::max(x[k], T(0));
        break;
      case RnnActivation::linear:
        break;
    }
  }
};

}  // namespace

template <class T>
void rnn_step_forward(RnnCell cell, const RnnStepForward<T>& a) {
  for (int64_t row = 0; row < a.batch; ++row) cell::forward_row<T, StdMath>(cell, a, row);
}

template <class T>
void rnn_step_backward(RnnCell cell, const RnnStepBackward<T>& a) {
  for (int64_t row = 0; row < a.batch; ++row) cell::backward_row<T>(cell, a, row);
}

template void rnn_step_forward<float>(RnnCell, const RnnStepForward<float>&);
template void rnn_step_forward<double>(RnnCell, const RnnStepForward<double>&);
template void rnn_step_backward<float>(RnnCell, const RnnStepBackward<float>&);
template void rnn_step_backward<double>(RnnCell, const RnnStepBackward<double>&);

}  // namespace deepfin::kernels::ref
