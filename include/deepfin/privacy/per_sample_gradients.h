#pragma once
// Per-example gradients for DP-SGD. A forward pass is cut between layers, so
// that one backward pass leaves every layer's input and the gradient of the
// loss with respect to its output (before its activation). Because no layer
// mixes examples, each layer's per-example weight gradient follows from those
// two alone:
// - Dense on (batch, features): the norm is |x_i| |g_i| (Goodfellow 2015), and
//   the clipped sum one matrix product, so nothing per example is materialized;
// - Dense on sequences: x_i^T g_i for each example, by one batched product;
// - Embedding: norms and sums from the ids (rows an example used twice add up);
// - Conv1D and Conv2D: patches_i^T g_i for each example, by one batched product;
// - every other layer (recurrent layers, attention, layer norm,
//   Transformer blocks): the layer alone, re-run on each example.
#include <memory>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/nn/layer.h"
#include "deepfin/privacy/privacy_options.h"

namespace deepfin::privacy {

// ValueError naming the layer and what to use instead, for a layer DP-SGD cannot
// train (one that mixes examples, such as BatchNormalization), and for weights
// shared between layers or a layer used twice.
void check_layers(const std::vector<std::shared_ptr<nn::Layer>>& layers);

// One layer of a LayerwiseForward pass.
struct LayerRecord {
  nn::Layer* layer = nullptr;
  Tensor input;        // detached from the layers below
  Tensor mask;         // the (batch, time) mask it saw, or undefined
  Tensor output;       // before the activation; its graph reaches the weights
  Tensor output_leaf;  // output, detached: the activation and the layers above start here
  Tensor activated;    // what the next layer reads
  Tensor output_grad;  // d loss / d output, after backward()
  bool training = false;
};

class LayerwiseForward {
 public:
  explicit LayerwiseForward(std::vector<std::shared_ptr<nn::Layer>> layers);
  // The layers in turn (with Keras mask propagation, as Sequential runs them).
  Tensor forward(const Tensor& x, bool training, bool skip_final_activation);
  // Backpropagates `grad` from `root` (a function of forward()'s output) down
  // through every layer. With keep_weight_gradients the weights' (summed)
  // gradients accumulate in their .grad as in any backward pass; DP-SGD does
  // without them, since it sums the clipped per-example gradients instead.
  void backward(const Tensor& root, const Tensor& grad, bool keep_weight_gradients = true);
  const std::vector<LayerRecord>& records() const { return records_; }

 private:
  std::vector<std::shared_ptr<nn::Layer>> layers_;
  std::vector<LayerRecord> records_;
};

// A layer's per-example gradients, in whichever form is cheapest.
class LayerGradients {
 public:
  virtual ~LayerGradients() = default;
  // Squared norm of each example's gradient over the layer's trainable weights.
  virtual std::vector<double> squared_norms() const = 0;
  // sum_i scale[i] * gradient_i, one tensor per trainable weight.
  virtual std::vector<Tensor> weighted_sum(const std::vector<double>& scale) const = 0;
};

// Null for a layer without trainable weights.
std::unique_ptr<LayerGradients> layer_gradients(const LayerRecord& record);

// Per-example gradients materialized: (batch, *weight shape) per trainable
// weight, whatever form layer_gradients() uses. For tests and audits.
std::vector<Tensor> per_sample_gradients(const LayerRecord& record);

// Every example's gradient clipped and summed over the batch.
struct ClippedSum {
  std::vector<Tensor> weights;    // the trainable weights, layer by layer
  std::vector<Tensor> gradients;  // the clipped sum for each
  std::vector<double> norms;      // each example's total gradient norm before clipping
  int64_t clipped = 0;            // examples whose gradient was scaled down
};

// While alive, the trainable weights of the layers whose per-example gradients
// come from their input and output gradient alone (Dense, Conv1D, Conv2D,
// Embedding) require no gradient, so their ops skip the summed weight gradient:
// DP-SGD never uses it, since it sums the clipped per-example ones instead.
// Layers re-run per example keep theirs. Hold it on the thread that owns the
// model, around the whole step.
class SummedGradientsOff {
 public:
  explicit SummedGradientsOff(const std::vector<std::shared_ptr<nn::Layer>>& layers);
  ~SummedGradientsOff();
  SummedGradientsOff(const SummedGradientsOff&) = delete;
  SummedGradientsOff& operator=(const SummedGradientsOff&) = delete;

 private:
  std::vector<Tensor> switched_;
};

// Flat: example i is scaled by min(1, C / |g_i|). Per layer: each of the L layers
// with weights gets C / sqrt(L), so an example's whole gradient stays within C.
ClippedSum clip_and_sum(const LayerwiseForward& pass, double max_grad_norm, Clipping clipping);

}  // namespace deepfin::privacy
