#pragma once
// The backward engine: runs nodes in topological order, accumulates gradients
// of tensors used more than once, and frees the graph unless asked to keep it.
#include "deepfin/core/tensor.h"

namespace deepfin::autograd {

void run_backward(const Tensor& root, const Tensor& grad_root, bool retain_graph);

// Where the gradients of leaves go, instead of their .grad. Batch-parallel
// training gives each thread's shard of the batch its own gradient buffer.
class LeafGradientSink {
 public:
  virtual ~LeafGradientSink() = default;
  virtual void accumulate(const TensorImpl& leaf, const Tensor& grad) = 0;
  // Sinks that return true are told when a leaf's gradient is final: every node
  // of the graph that uses the leaf has run. Data-parallel training starts
  // reducing a bucket of gradients then, while backward goes on.
  virtual bool wants_completion() const { return false; }
  virtual void leaf_complete(const TensorImpl& /*leaf*/) {}
};

// While alive, backward passes run on the calling thread send leaf gradients
// to `sink` (other threads are unaffected).
class LeafGradientRedirect {
 public:
  explicit LeafGradientRedirect(LeafGradientSink* sink);
  ~LeafGradientRedirect();
  LeafGradientRedirect(const LeafGradientRedirect&) = delete;
  LeafGradientRedirect& operator=(const LeafGradientRedirect&) = delete;

 private:
  LeafGradientSink* previous_;
};

}  // namespace deepfin::autograd
