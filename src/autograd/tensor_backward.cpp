// Tensor::backward is declared with the Tensor (core) but runs the backward
// engine, so it is defined here, on the autograd floor: core never calls up.
#include <fmt/format.h>

#include "deepfin/autograd/engine.h"
#include "deepfin/base/error.h"
#include "deepfin/core/tensor.h"

namespace deepfin {

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  if (!requires_grad())
    throw Error(
        fmt::format("backward: tensor of shape {} does not require grad (no input had requires_grad, or it was "
                    "computed under NoGradGuard)",
                    shape_str(shape())));
  Tensor g = gradient;
  if (!g.defined()) {
    if (numel() != 1)
      throw ShapeError(
          fmt::format("backward: a gradient must be given for a non-scalar output of shape {}", shape_str(shape())));
    g = ones(shape(), dtype());
  } else if (g.shape() != shape()) {
    throw ShapeError(fmt::format("backward: gradient shape {} does not match output shape {}", shape_str(g.shape()),
                                 shape_str(shape())));
  }
  autograd::run_backward(*this, g, retain_graph);
}

}  // namespace deepfin
