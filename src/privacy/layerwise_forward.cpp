// A forward pass cut between layers: each layer reads a detached copy of the
// previous output, so one backward pass, run segment by segment from the top,
// leaves every layer's output gradient in its record.
#include <fmt/format.h>

#include <set>

#include "deepfin/autograd/node.h"
#include "deepfin/base/error.h"
#include "deepfin/nn/activations.h"
#include "deepfin/privacy/per_sample_gradients.h"

namespace deepfin::privacy {
namespace {

bool is_floating(const Tensor& t) {
  return t.dtype() == DType::float32 || t.dtype() == DType::float64;
}

Tensor detached_leaf(const Tensor& t, bool requires_grad) {
  Tensor leaf = t.detach();
  if (requires_grad && is_floating(leaf)) leaf.set_requires_grad(true);
  return leaf;
}

}  // namespace

void check_layers(const std::vector<std::shared_ptr<nn::Layer>>& layers) {
  std::set<const nn::Layer*> seen_layers;
  std::set<const TensorImpl*> seen_weights;
  for (const auto& layer : layers) {
    if (!seen_layers.insert(layer.get()).second)
      throw ValueError(fmt::format(
          "privacy: layer '{}' is used twice in the model, so each example would reach its weights twice and its "
          "gradient could not be clipped per use. DP-SGD needs every layer once: use two layers",
          layer->name()));
    if (layer->class_name() == "BatchNormalization")
      throw ValueError(fmt::format(
          "privacy: layer '{}' (BatchNormalization) mixes the examples of a batch: its batch statistics make one "
          "example's gradient depend on the others, so it cannot be clipped alone. Use LayerNormalization instead",
          layer->name()));
    for (const nn::Weight& w : layer->weights())
      if (!seen_weights.insert(w.value.impl_ptr().get()).second)
        throw ValueError(fmt::format(
            "privacy: weight '{}' of layer '{}' is shared with another layer, so each example would reach it twice. "
            "DP-SGD needs each weight used once",
            w.name, layer->name()));
  }
}

LayerwiseForward::LayerwiseForward(std::vector<std::shared_ptr<nn::Layer>> layers) : layers_(std::move(layers)) {
  if (layers_.empty()) throw ValueError("privacy: per-example gradients need a model with at least one layer");
  check_layers(layers_);
}

Tensor LayerwiseForward::forward(const Tensor& x, bool training, bool skip_final_activation) {
  records_.clear();
  records_.reserve(layers_.size());
  Tensor h = x, mask;
  for (size_t i = 0; i < layers_.size(); ++i) {
    nn::Layer& layer = *layers_[i];
    LayerRecord r;
    r.layer = &layer;
    r.training = training;
    r.mask = mask;
    r.input = detached_leaf(h, /*requires_grad=*/i > 0);
    r.output = layer.call_masked(r.input, mask, training, /*apply_activation=*/false);
    r.output_leaf = detached_leaf(r.output, r.output.requires_grad() || r.input.requires_grad());
    const bool last = i + 1 == layers_.size();
    const bool activate = !(last && skip_final_activation) && layer.activation() != "linear";
    r.activated = activate ? activations::apply(layer.activation(), r.output_leaf) : r.output_leaf;
    mask = layer.compute_mask(r.input, mask);
    h = r.activated;
    records_.push_back(std::move(r));
  }
  return h;
}

void LayerwiseForward::backward(const Tensor& root, const Tensor& grad) {
  if (records_.empty()) throw ValueError("privacy: backward() before forward()");
  if (root.requires_grad()) root.backward(grad);
  for (size_t k = records_.size(); k-- > 0;) {
    LayerRecord& r = records_[k];
    Tensor g = r.output_leaf.grad();
    r.output_grad = g.defined() ? g : zeros_like(r.output);
    if (r.output.requires_grad()) r.output.backward(r.output_grad);
    if (k == 0) continue;
    const Tensor g_in = r.input.grad();
    if (!g_in.defined()) continue;
    LayerRecord& below = records_[k - 1];
    if (below.activated.is_same(below.output_leaf))
      below.output_leaf.set_grad(g_in);
    else if (below.activated.requires_grad())
      below.activated.backward(g_in);
  }
}

}  // namespace deepfin::privacy
