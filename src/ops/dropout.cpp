// Inverted dropout. The mask is drawn element by element from one Generator, so
// the same seed gives the same mask whatever the thread count; backward reuses it.
#include "deepfin/ops/dropout.h"

#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "kernels/movement_slots.h"

namespace deepfin {

Tensor dropout(const Tensor& x, double rate, bool training, Generator* gen) {
  if (!(rate >= 0.0 && rate < 1.0)) throw ValueError(fmt::format("dropout: rate must be in [0, 1), got {}", rate));
  if (!is_floating(x.dtype())) throw_not_floating("dropout", x.dtype());
  if (!training || rate == 0.0) return x;

  Generator& rng = gen ? *gen : default_generator();
  Tensor src = x.detach().contiguous();
  Tensor mask = Tensor::empty(x.shape(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  dispatch_floating("dropout", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T keep_scale = T(1.0 / (1.0 - rate));
    T* m = mask.data<T>();
    for (int64_t i = 0; i < mask.numel(); ++i) m[i] = rng.uniform01() < rate ? T(0) : keep_scale;
    kernels::mask_multiply_slot<T>().select()(src.data<T>(), m, out.data<T>(), out.numel());
  });

  return record("dropout", out, {x}, [mask](const Tensor& g) -> std::vector<Tensor> {
    Tensor gc = g.contiguous();
    Tensor gx = Tensor::empty(mask.shape(), mask.dtype());
    dispatch_floating("dropout backward", mask.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::mask_multiply_slot<T>().select()(gc.data<T>(), mask.data<T>(), gx.data<T>(), gx.numel());
    });
    return {gx};
  });
}

}  // namespace deepfin
