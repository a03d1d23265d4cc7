// Graph recording: the no-grad switch, and attaching nodes to op outputs.
#include <fmt/format.h>

#include "deepfin/autograd/node.h"

namespace deepfin {
namespace {
// Per thread, like PyTorch: a NoGradGuard on one thread does not affect others.
thread_local bool g_grad_enabled = true;
}  // namespace

bool grad_enabled() {
  return g_grad_enabled;
}

NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) {
  g_grad_enabled = false;
}
NoGradGuard::~NoGradGuard() {
  g_grad_enabled = previous_;
}

void throw_graph_freed(const char* node_name) {
  throw Error(
      fmt::format("backward through {} a second time: its saved values were freed after the first backward; pass "
                  "retain_graph=true to the first backward() to keep them",
                  node_name));
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

Tensor attach(Tensor output, std::shared_ptr<Node> node, const std::vector<Tensor>& inputs) {
  auto& edges = node->mutable_edges();
  edges.clear();
  edges.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    Edge e;
    if (t.defined() && t.requires_grad()) {
      if (t.grad_fn())
        e.node = t.grad_fn();
      else
        e.leaf = t.impl_ptr();
    }
    edges.push_back(std::move(e));
  }
  node->output_shape = output.shape();
  node->output_dtype = output.dtype();
  TensorImpl& impl = output.impl();
  impl.grad_fn = std::move(node);
  impl.requires_grad = true;
  return output;
}

}  // namespace deepfin
