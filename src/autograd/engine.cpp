// The backward pass: Kahn's algorithm over the graph reachable from the root,
// so each node runs once, after every consumer of its output has contributed.
#include "deepfin/autograd/engine.h"

#include <fmt/format.h>

#include <unordered_map>
#include <vector>

#include "deepfin/autograd/node.h"

namespace deepfin::autograd {
namespace {

struct PendingGrad {
  Tensor grad;
  bool owned = false;  // true once `grad` is a private buffer we may add into
};

void accumulate(PendingGrad& slot, const Tensor& g) {
  if (!slot.grad.defined()) {
    slot.grad = g;
    return;
  }
  if (!slot.owned) {
    slot.grad = slot.grad.contiguous().clone();
    slot.owned = true;
  }
  add_into(slot.grad, g);
}

thread_local LeafGradientSink* t_sink = nullptr;

void accumulate_leaf(const std::shared_ptr<TensorImpl>& leaf, const Tensor& g) {
  if (g.shape() != leaf->shape)
    throw ShapeError(fmt::format("backward: gradient of shape {} for a leaf of shape {}", shape_str(g.shape()),
                                 shape_str(leaf->shape)));
  if (t_sink) {
    t_sink->accumulate(*leaf, g);
    return;
  }
  if (leaf->grad) {
    // Add in place: a model's gradient arena relies on .grad staying put.
    Tensor existing(leaf->grad);
    add_into(existing, g);
  } else {
    leaf->grad = g.detach().clone().impl_ptr();
  }
}

}  // namespace

LeafGradientRedirect::LeafGradientRedirect(LeafGradientSink* sink) : previous_(t_sink) {
  t_sink = sink;
}

LeafGradientRedirect::~LeafGradientRedirect() {
  t_sink = previous_;
}

void run_backward(const Tensor& root, const Tensor& grad_root, bool retain_graph) {
  NoGradGuard no_grad;  // backward functions never build a graph of their own
  if (!root.grad_fn()) {
    accumulate_leaf(root.impl_ptr(), grad_root);
    return;
  }
  // Count, for each node, how many edges of the reachable graph point at it.
  // With a sink that wants to know when a leaf is final, count the uses of each leaf too.
  LeafGradientSink* const completion = t_sink && t_sink->wants_completion() ? t_sink : nullptr;
  std::unordered_map<const TensorImpl*, int> leaf_uses;
  std::unordered_map<Node*, int> dependencies;
  std::vector<Node*> stack{root.grad_fn().get()};
  dependencies[root.grad_fn().get()] = 0;
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      if (completion && e.leaf) ++leaf_uses[e.leaf.get()];
      if (!e.node) continue;
      auto [it, inserted] = dependencies.try_emplace(e.node.get(), 0);
      ++it->second;
      if (inserted) stack.push_back(e.node.get());
    }
  }

  std::unordered_map<Node*, PendingGrad> pending;
  pending[root.grad_fn().get()].grad = grad_root;
  std::vector<Node*> ready{root.grad_fn().get()};
  while (!ready.empty()) {
    Node* node = ready.back();
    ready.pop_back();
    Tensor grad_out = std::move(pending[node].grad);
    pending.erase(node);

    std::vector<Tensor> grads;
    if (grad_out.defined()) {
      if (grad_out.shape() != node->output_shape)
        throw ShapeError(fmt::format("backward: {} received a gradient of shape {}, expected {}", node->name(),
                                     shape_str(grad_out.shape()), shape_str(node->output_shape)));
      grads = node->backward(grad_out);
      if (grads.size() != node->next_edges().size())
        throw Error(fmt::format("backward: {} returned {} gradients for {} inputs", node->name(), grads.size(),
                                node->next_edges().size()));
    }
    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      const bool has_grad = i < grads.size() && grads[i].defined();
      if (e.leaf && has_grad) accumulate_leaf(e.leaf, grads[i]);
      if (completion && e.leaf && --leaf_uses[e.leaf.get()] == 0) completion->leaf_complete(*e.leaf);
      if (!e.node) continue;
      if (has_grad) accumulate(pending[e.node.get()], grads[i]);
      if (--dependencies[e.node.get()] == 0) ready.push_back(e.node.get());
    }
    if (!retain_graph) node->release();
  }
}

}  // namespace deepfin::autograd
