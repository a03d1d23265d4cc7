#pragma once
// The backward engine: runs nodes in topological order, accumulates gradients
// of tensors used more than once, and frees the graph unless asked to keep it.
#include "deepfin/core/tensor.h"

namespace deepfin::autograd {

void run_backward(const Tensor& root, const Tensor& grad_root, bool retain_graph);

}  // namespace deepfin::autograd
