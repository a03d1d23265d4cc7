#pragma once
// A node of the autograd graph: one backward function per forward op. Each node
// records, for every differentiable input, where its gradient goes next (an
// Edge), and saves only what its backward needs.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin {

// Where an input's gradient flows: to the node that produced it, or, for a
// leaf that requires grad, into that leaf's .grad.
struct Edge {
  std::shared_ptr<Node> node;         // set for non-leaf inputs
  std::shared_ptr<TensorImpl> leaf;   // set for leaves with requires_grad
  bool active() const { return node != nullptr || leaf != nullptr; }
};

class Node {
 public:
  virtual ~Node() = default;
  // Gradients for each input, in the order of inputs(); an undefined Tensor
  // means "no gradient for this input".
  virtual std::vector<Tensor> backward(const Tensor& grad_output) = 0;
  virtual const char* name() const = 0;
  // Frees saved tensors once backward ran (unless the graph is retained).
  virtual void release() {}

  const std::vector<Edge>& next_edges() const { return edges_; }
  std::vector<Edge>& mutable_edges() { return edges_; }
  // Shape and dtype of the output, to check incoming gradients.
  Shape output_shape;
  DType output_dtype = DType::float32;

 private:
  std::vector<Edge> edges_;
};

// Raised when backward reaches a node whose saved tensors were already freed.
[[noreturn]] void throw_graph_freed(const char* node_name);

// True while gradients are being recorded (false inside NoGradGuard).
bool grad_enabled();

// Disables graph recording in a scope, like torch.no_grad().
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True if any input requires grad and recording is on.
bool any_requires_grad(const std::vector<Tensor>& inputs);

// Connects `output` to `node`: sets node's edges from `inputs`, and output's grad_fn.
// Call only when any_requires_grad(inputs). Returns output for chaining.
Tensor attach(Tensor output, std::shared_ptr<Node> node, const std::vector<Tensor>& inputs);

// A node whose backward is a lambda; handy for ops whose backward is short.
// The lambda owns whatever it captured (only what backward needs).
template <class F>
class LambdaNode final : public Node {
 public:
  LambdaNode(const char* name, F fn) : name_(name), fn_(std::move(fn)) {}
  std::vector<Tensor> backward(const Tensor& g) override {
    if (!fn_) throw_graph_freed(name_);
    return (*fn_)(g);
  }
  const char* name() const override { return name_; }
  void release() override { fn_.reset(); }

 private:
  const char* name_;
  std::optional<F> fn_;  // reset after backward: frees what the lambda captured
};

// Records `output = op(inputs)` with backward `fn(grad_output) -> grads per input`.
// Does nothing (and never builds the lambda's node) when no input requires grad.
template <class F>
Tensor record(const char* name, Tensor output, const std::vector<Tensor>& inputs, F fn) {
  if (!any_requires_grad(inputs)) return output;
  return attach(std::move(output), std::make_shared<LambdaNode<F>>(name, std::move(fn)), inputs);
}

}  // namespace deepfin
