// A forward pass cut between layers: each layer reads a detached copy of the
// previous output, so one backward pass, run segment by segment from the top,
// leaves every layer's output gradient in its record.
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "deepfin/autograd/engine.h"
#include "deepfin/autograd/node.h"
#include "deepfin/base/error.h"
#include "deepfin/nn/activations.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/privacy/per_sample_gradients.h"

namespace deepfin::privacy {
namespace {

// Catches the gradients backward delivers to leaves. The layers' cut points
// keep the tensor they are given (the engine would copy it into .grad); the
// weights' gradients go to .grad as usual, or nowhere when they are not kept.
class CutPointGradients final : public autograd::LeafGradientSink {
 public:
  CutPointGradients(std::map<const TensorImpl*, Tensor> cut_points, std::map<const TensorImpl*, Tensor> weights)
      : cut_points_(std::move(cut_points)), weights_(std::move(weights)) {}

  void accumulate(const TensorImpl& leaf, const Tensor& grad) override {
    if (auto it = cut_points_.find(&leaf); it != cut_points_.end()) {
      Tensor& target = received_[&leaf];
      target = target.defined() ? add(target, grad) : grad;
      return;
    }
    const auto w = weights_.find(&leaf);
    if (w == weights_.end()) return;
    Tensor weight = w->second;
    if (Tensor existing = weight.grad(); existing.defined())
      add_into(existing, grad);
    else
      weight.set_grad(grad.detach().clone());
  }
  // What reached `leaf` (undefined if nothing).
  Tensor received(const Tensor& leaf) const {
    const auto it = received_.find(leaf.impl_ptr().get());
    return it == received_.end() ? Tensor() : it->second;
  }

 private:
  std::map<const TensorImpl*, Tensor> cut_points_, weights_;
  std::map<const TensorImpl*, Tensor> received_;
};

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
    if (layer->class_name() == "EnsembleMean")
      throw ValueError(fmt::format(
          "privacy: layer '{}' (EnsembleMean) is trained on the mean of its members' losses, which DP-SGD's "
          "per-example clipping does not compute. Train the ensemble without [privacy], or end the model with a "
          "Dense head",
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
  std::string deferred;  // an activation moved past a max-pool, as Sequential does
  for (size_t i = 0; i < layers_.size(); ++i) {
    nn::Layer& layer = *layers_[i];
    LayerRecord r;
    r.layer = &layer;
    r.training = training;
    r.mask = mask;
    r.input = detached_leaf(h, /*requires_grad=*/i > 0);
    r.output = layer.call_masked(r.input, mask, training, /*apply_activation=*/false);
    // Always a gradient here, even when nothing below needs one (the first layer
    // under SummedGradientsOff): the layer's per-example gradients read it.
    r.output_leaf = detached_leaf(r.output, /*requires_grad=*/true);
    const bool last = i + 1 == layers_.size();
    std::string activation = !(last && skip_final_activation) ? layer.activation() : "linear";
    if (!deferred.empty()) activation = std::exchange(deferred, "");  // the max-pool's own is linear
    // relu then max-pool equals max-pool then relu, on a quarter of the values
    // (nn::relu_moves_past_pool); the output gradient before the relu is the same.
    if (activation == "relu" && !mask.defined() && !last && nn::relu_moves_past_pool(layer, *layers_[i + 1]))
      deferred = std::exchange(activation, "linear");
    r.activated = activation != "linear" ? activations::apply(activation, r.output_leaf) : r.output_leaf;
    mask = layer.compute_mask(r.input, mask);
    h = r.activated;
    records_.push_back(std::move(r));
  }
  return h;
}

void LayerwiseForward::backward(const Tensor& root, const Tensor& grad, bool keep_weight_gradients) {
  if (records_.empty()) throw ValueError("privacy: backward() before forward()");
  std::map<const TensorImpl*, Tensor> cut_points, weights;
  for (const LayerRecord& r : records_) {
    cut_points[r.input.impl_ptr().get()] = r.input;
    cut_points[r.output_leaf.impl_ptr().get()] = r.output_leaf;
  }
  if (keep_weight_gradients)
    for (const auto& layer : layers_)
      for (const nn::Weight& w : layer->weights()) weights[w.value.impl_ptr().get()] = w.value;
  CutPointGradients sink(std::move(cut_points), std::move(weights));
  autograd::LeafGradientRedirect redirect(&sink);

  if (root.requires_grad()) root.backward(grad);
  Tensor from_above;  // the gradient of the layer above's input, while it is not yet the output gradient here
  for (size_t k = records_.size(); k-- > 0;) {
    LayerRecord& r = records_[k];
    if (from_above.defined() && !r.activated.is_same(r.output_leaf) && r.activated.requires_grad())
      r.activated.backward(from_above);  // through the activation, into output_leaf
    Tensor g = r.activated.is_same(r.output_leaf) && from_above.defined() ? from_above : sink.received(r.output_leaf);
    r.output_grad = g.defined() ? g : zeros_like(r.output);
    if (r.output.requires_grad()) r.output.backward(r.output_grad);
    from_above = sink.received(r.input);
  }
}

}  // namespace deepfin::privacy
