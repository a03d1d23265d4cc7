// Tensor::backward is declared with the Tensor (core) but runs the backward
// engine, so it is defined here, on the autograd floor: core never calls up.
#include "deepfin/autograd/engine.h"
#include "deepfin/base/error.h"
#include "deepfin/core/tensor.h"

namespace deepfin {

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  if (!requires_grad())
    throw Error("backward: tensor of shape " + shape_str(shape()) +
                " does not require grad (no input had requires_grad, or it was computed under NoGradGuard)");
  Tensor g = gradient;
  if (!g.defined()) {
    if (numel() != 1)
      throw ShapeError("backward: a gradient must be given for a non-scalar output of shape " + shape_str(shape()));
    g = ones(shape(), dtype());
  } else if (g.shape() != shape()) {
    throw ShapeError("backward: gradient shape " + shape_str(g.shape()) + " does not match output shape " +
                     shape_str(shape()));
  }
  autograd::run_backward(*this, g, retain_graph);
}

}  // namespace deepfin
