// Per-example gradients of one layer from its input and output gradient.
#include "deepfin/privacy/per_sample_gradients.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include "deepfin/autograd/engine.h"
#include "deepfin/autograd/node.h"
#include "deepfin/base/error.h"
#include "deepfin/nn/layers/embedding.h"
#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/linalg.h"
#include "deepfin/ops/reductions.h"
#include "privacy/conv_patches.h"

namespace deepfin::privacy {
namespace {

std::vector<Tensor> trainable_of(const nn::Layer& layer) {
  return layer.trainable_weights();
}

// (batch) scale factors as a column that broadcasts over a (batch, ...) tensor.
Tensor scale_column(const std::vector<double>& scale, int64_t rank, DType dtype) {
  Shape shape(static_cast<size_t>(std::max<int64_t>(rank, 1)), 1);
  shape[0] = static_cast<int64_t>(scale.size());
  return from_vector(scale, shape).to(dtype);
}

std::vector<double> row_sums_of_squares(const Tensor& t) {
  const int64_t batch = t.size(0);
  if (batch == 0) return {};
  return sum(square(t.reshape({batch, -1})), {1}).to(DType::float64).to_vector<double>();
}

void add_to(std::vector<double>& total, const std::vector<double>& part) {
  if (total.empty()) total.assign(part.size(), 0.0);
  for (size_t i = 0; i < part.size(); ++i) total[i] += part[i];
}

// Gradients stored per example: (batch, *weight shape) for each weight.
class Materialized final : public LayerGradients {
 public:
  explicit Materialized(std::vector<Tensor> per_example) : per_example_(std::move(per_example)) {}

  std::vector<double> squared_norms() const override {
    std::vector<double> total;
    for (const Tensor& g : per_example_) add_to(total, row_sums_of_squares(g));
    return total;
  }

  std::vector<Tensor> weighted_sum(const std::vector<double>& scale) const override {
    std::vector<Tensor> out;
    for (const Tensor& g : per_example_) {
      Shape shape(g.shape().begin() + 1, g.shape().end());
      const auto batch = static_cast<int64_t>(scale.size());
      const Tensor c = from_vector(scale, {1, batch}).to(g.dtype());
      out.push_back(matmul(c, g.reshape({batch, -1})).reshape(shape));
    }
    return out;
  }

  const std::vector<Tensor>& tensors() const { return per_example_; }

 private:
  std::vector<Tensor> per_example_;
};

// Dense on (batch, features): gradient_i = x_i g_i^T (plus g_i for the bias),
// whose norm is |x_i| |g_i|: nothing of size features x units per example.
class DenseRows final : public LayerGradients {
 public:
  DenseRows(Tensor x, Tensor g, bool kernel, bool bias)
      : x_(std::move(x)), g_(std::move(g)), kernel_(kernel), bias_(bias) {}

  std::vector<double> squared_norms() const override {
    const std::vector<double> gg = row_sums_of_squares(g_);
    std::vector<double> total(gg.size(), 0.0);
    if (kernel_) {
      const std::vector<double> xx = row_sums_of_squares(x_);
      for (size_t i = 0; i < gg.size(); ++i) total[i] += xx[i] * gg[i];
    }
    if (bias_)
      for (size_t i = 0; i < gg.size(); ++i) total[i] += gg[i];
    return total;
  }

  std::vector<Tensor> weighted_sum(const std::vector<double>& scale) const override {
    const Tensor gc = mul(g_, scale_column(scale, 2, g_.dtype()));
    std::vector<Tensor> out;
    if (kernel_) out.push_back(matmul(x_.transpose(0, 1), gc));
    if (bias_) out.push_back(sum(gc, {0}));
    return out;
  }

  Materialized materialize() const {
    std::vector<Tensor> out;
    if (kernel_) out.push_back(mul(x_.unsqueeze(2), g_.unsqueeze(1)));
    if (bias_) out.push_back(g_);
    return Materialized(std::move(out));
  }

 private:
  Tensor x_, g_;
  bool kernel_, bias_;
};

// Dense on sequences (batch, steps..., features): x_i^T g_i summed over the steps, by one batched product.
Materialized dense_sequences(const Tensor& x, const Tensor& g, bool kernel, bool bias) {
  const int64_t batch = x.size(0);
  const Tensor x3 = x.reshape({batch, -1, x.size(-1)}), g3 = g.reshape({batch, -1, g.size(-1)});
  std::vector<Tensor> out;
  if (kernel) out.push_back(matmul(x3.transpose(1, 2), g3));
  if (bias) out.push_back(sum(g3, {1}));
  return Materialized(std::move(out));
}

// Embedding: example i adds g_it to row id_it for each of its positions t, so
// its gradient's squared norm is the sum, over the distinct ids it used, of
// |sum of its g_it with that id|^2.
template <class T>
class EmbeddingRows final : public LayerGradients {
 public:
  EmbeddingRows(Tensor ids, Tensor g, int64_t vocab)
      : ids_(ids.contiguous().to_vector<int64_t>()), g_(g.contiguous()), vocab_(vocab) {
    batch_ = g_.size(0);
    dim_ = g_.size(-1);
    per_example_ = batch_ > 0 ? static_cast<int64_t>(ids_.size()) / batch_ : 0;
  }

  std::vector<double> squared_norms() const override {
    std::vector<double> out(static_cast<size_t>(batch_), 0.0);
    const T* g = g_.data<T>();
    std::vector<int64_t> order(static_cast<size_t>(per_example_));
    std::vector<double> row(static_cast<size_t>(dim_));
    for (int64_t i = 0; i < batch_; ++i) {
      const int64_t* ids = ids_.data() + i * per_example_;
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return ids[a] < ids[b]; });
      for (size_t k = 0; k < order.size();) {
        std::fill(row.begin(), row.end(), 0.0);
        size_t end = k;
        for (; end < order.size() && ids[order[end]] == ids[order[k]]; ++end) {
          const T* gt = g + (i * per_example_ + order[end]) * dim_;
          for (int64_t d = 0; d < dim_; ++d) row[static_cast<size_t>(d)] += static_cast<double>(gt[d]);
        }
        for (double v : row) out[static_cast<size_t>(i)] += v * v;
        k = end;
      }
    }
    return out;
  }

  std::vector<Tensor> weighted_sum(const std::vector<double>& scale) const override {
    Tensor table = zeros({vocab_, dim_}, g_.dtype());
    T* dst = table.data<T>();
    const T* g = g_.data<T>();
    for (int64_t i = 0; i < batch_; ++i)
      for (int64_t t = 0; t < per_example_; ++t) {
        const int64_t id = ids_[static_cast<size_t>(i * per_example_ + t)];
        const T* gt = g + (i * per_example_ + t) * dim_;
        for (int64_t d = 0; d < dim_; ++d) dst[id * dim_ + d] += static_cast<T>(scale[static_cast<size_t>(i)] * gt[d]);
      }
    return {table};
  }

  Materialized materialize() const {
    Tensor out = zeros({batch_, vocab_, dim_}, g_.dtype());
    T* dst = out.data<T>();
    const T* g = g_.data<T>();
    for (int64_t i = 0; i < batch_; ++i)
      for (int64_t t = 0; t < per_example_; ++t) {
        const int64_t id = ids_[static_cast<size_t>(i * per_example_ + t)];
        for (int64_t d = 0; d < dim_; ++d) dst[(i * vocab_ + id) * dim_ + d] += g[(i * per_example_ + t) * dim_ + d];
      }
    return Materialized({out});
  }

 private:
  std::vector<int64_t> ids_;
  Tensor g_;
  int64_t vocab_, batch_ = 0, dim_ = 0, per_example_ = 0;
};

// Collects one example's leaf gradients into row `row` of each weight's (batch, ...) tensor.
class ExampleRows final : public autograd::LeafGradientSink {
 public:
  ExampleRows(const std::vector<Tensor>& weights, std::vector<Tensor>& rows) : rows_(rows) {
    for (size_t k = 0; k < weights.size(); ++k) index_[weights[k].impl_ptr().get()] = k;
  }
  void accumulate(const TensorImpl& leaf, const Tensor& grad) override {
    const auto it = index_.find(&leaf);
    if (it == index_.end()) return;  // a leaf of no trainable weight (e.g. frozen) takes no part
    Tensor dst = rows_[it->second].select(0, row);
    add_into(dst, grad);
  }
  int64_t row = 0;

 private:
  std::map<const TensorImpl*, size_t> index_;
  std::vector<Tensor>& rows_;
};

// Any layer that treats examples independently: the layer alone, re-run on each
// example with that example's output gradient.
Materialized example_by_example(const LayerRecord& r, const std::vector<Tensor>& weights) {
  const int64_t batch = r.input.size(0);
  std::vector<Tensor> rows;
  for (const Tensor& w : weights) {
    Shape shape = w.shape();
    shape.insert(shape.begin(), batch);
    rows.push_back(zeros(shape, w.dtype()));
  }
  ExampleRows sink(weights, rows);
  for (int64_t i = 0; i < batch; ++i) {
    sink.row = i;
    autograd::LeafGradientRedirect redirect(&sink);
    const Tensor x = r.input.slice(0, i, i + 1).detach();
    const Tensor mask = r.mask.defined() ? r.mask.slice(0, i, i + 1) : Tensor();
    const Tensor out = r.layer->call_masked(x, mask, r.training, /*apply_activation=*/false);
    if (out.requires_grad()) out.backward(r.output_grad.slice(0, i, i + 1).contiguous());
  }
  return Materialized(std::move(rows));
}

// Conv1D / Conv2D: example i's kernel gradient is patches_i^T g_i (one batched
// product for the batch), its bias gradient g_i summed over positions.
std::optional<Materialized> conv_by_patches(const LayerRecord& r, const std::vector<Tensor>& weights) {
  const std::optional<Tensor> patches = detail::conv_patches(*r.layer, r.input.detach(), r.output_grad.shape());
  if (!patches) return std::nullopt;
  const int64_t batch = r.output_grad.size(0), filters = r.output_grad.size(-1);
  const Tensor g = r.output_grad.contiguous().reshape({batch, -1, filters});
  std::vector<Tensor> out;
  for (const nn::Weight& w : r.layer->weights()) {
    if (!w.trainable || !r.layer->trainable()) continue;
    Shape shape = w.value.shape();
    shape.insert(shape.begin(), batch);
    if (w.name == "kernel")
      out.push_back(matmul(patches->transpose(1, 2), g).reshape(shape));
    else if (w.name == "bias")
      out.push_back(sum(g, {1}));
    else
      return std::nullopt;
  }
  if (out.size() != weights.size()) return std::nullopt;
  return Materialized(std::move(out));
}

struct DenseParts {
  bool kernel = false, bias = false;
};

DenseParts dense_parts(const nn::Layer& layer) {
  DenseParts p;
  if (!layer.trainable()) return p;
  for (const nn::Weight& w : layer.weights()) {
    if (w.name == "kernel") p.kernel = w.trainable;
    if (w.name == "bias") p.bias = w.trainable;
  }
  return p;
}

std::unique_ptr<LayerGradients> embedding_gradients(const LayerRecord& r) {
  const auto& layer = static_cast<const nn::Embedding&>(*r.layer);
  const Tensor ids = layer.token_ids(r.input);
  if (r.output_grad.dtype() == DType::float64)
    return std::make_unique<EmbeddingRows<double>>(ids, r.output_grad, layer.input_dim());
  return std::make_unique<EmbeddingRows<float>>(ids, r.output_grad.to(DType::float32), layer.input_dim());
}

}  // namespace

std::unique_ptr<LayerGradients> layer_gradients(const LayerRecord& r) {
  if (!r.layer) throw ValueError("privacy: a layer record without a layer");
  const std::vector<Tensor> weights = trainable_of(*r.layer);
  if (weights.empty()) return nullptr;
  if (!r.output_grad.defined())
    throw ValueError(fmt::format("privacy: layer '{}' has no output gradient: run backward() first", r.layer->name()));
  const std::string& kind = r.layer->class_name();
  if (kind == "Dense") {
    NoGradGuard no_grad;
    const DenseParts p = dense_parts(*r.layer);
    if (r.input.dim() == 2) return std::make_unique<DenseRows>(r.input.detach(), r.output_grad, p.kernel, p.bias);
    return std::make_unique<Materialized>(dense_sequences(r.input.detach(), r.output_grad, p.kernel, p.bias));
  }
  if (kind == "Embedding") return embedding_gradients(r);
  if (kind == "Conv1D" || kind == "Conv2D") {
    NoGradGuard no_grad;
    if (auto m = conv_by_patches(r, weights)) return std::make_unique<Materialized>(std::move(*m));
  }
  // Re-running the layer records a graph for its weights: call this with gradients on.
  if (!grad_enabled())
    throw ValueError(
        fmt::format("privacy: per-example gradients of layer '{}' need gradient recording on", r.layer->name()));
  return std::make_unique<Materialized>(example_by_example(r, weights));
}

std::vector<Tensor> per_sample_gradients(const LayerRecord& r) {
  const auto gradients = layer_gradients(r);
  if (!gradients) return {};
  NoGradGuard no_grad;
  if (auto* m = dynamic_cast<const Materialized*>(gradients.get())) return m->tensors();
  if (auto* d = dynamic_cast<const DenseRows*>(gradients.get())) return d->materialize().tensors();
  if (auto* e = dynamic_cast<const EmbeddingRows<float>*>(gradients.get())) return e->materialize().tensors();
  if (auto* e = dynamic_cast<const EmbeddingRows<double>*>(gradients.get())) return e->materialize().tensors();
  throw Error("privacy: per_sample_gradients: unknown gradient form");
}

SummedGradientsOff::SummedGradientsOff(const std::vector<std::shared_ptr<nn::Layer>>& layers) {
  for (const auto& layer : layers) {
    const std::string& kind = layer->class_name();
    if (kind != "Dense" && kind != "Conv1D" && kind != "Conv2D" && kind != "Embedding") continue;
    for (Tensor w : layer->trainable_weights())
      if (w.requires_grad()) {
        w.set_requires_grad(false);
        switched_.push_back(w);
      }
  }
}

SummedGradientsOff::~SummedGradientsOff() {
  for (Tensor& w : switched_) w.set_requires_grad(true);
}

ClippedSum clip_and_sum(const LayerwiseForward& pass, double max_grad_norm, Clipping clipping) {
  if (!(max_grad_norm > 0.0))
    throw ValueError(fmt::format("privacy: max_grad_norm must be a positive number, got {}", max_grad_norm));
  std::vector<std::unique_ptr<LayerGradients>> layers;
  std::vector<std::vector<double>> squared;
  ClippedSum out;
  for (const LayerRecord& r : pass.records()) {
    auto g = layer_gradients(r);
    if (!g) continue;
    squared.push_back(g->squared_norms());
    for (const Tensor& w : trainable_of(*r.layer)) out.weights.push_back(w);
    layers.push_back(std::move(g));
  }
  if (layers.empty()) return out;
  const size_t batch = squared.front().size();
  out.norms.assign(batch, 0.0);
  for (const auto& s : squared)
    for (size_t i = 0; i < batch; ++i) out.norms[i] += s[i];
  for (double& n : out.norms) n = std::sqrt(n);

  // Opacus's guard against division by zero: a 1e-6 added to each norm.
  std::vector<bool> clipped(batch, false);
  auto factors = [&](const std::vector<double>& norms, double bound) {
    std::vector<double> f(batch);
    for (size_t i = 0; i < batch; ++i) {
      f[i] = std::min(1.0, bound / (norms[i] + 1e-6));
      if (f[i] < 1.0) clipped[i] = true;
    }
    return f;
  };
  const std::vector<double> flat =
      clipping == Clipping::flat ? factors(out.norms, max_grad_norm) : std::vector<double>();
  const double per_layer_bound = max_grad_norm / std::sqrt(static_cast<double>(layers.size()));
  NoGradGuard no_grad;
  for (size_t l = 0; l < layers.size(); ++l) {
    std::vector<double> scale = flat;
    if (clipping == Clipping::per_layer) {
      std::vector<double> norms(batch);
      for (size_t i = 0; i < batch; ++i) norms[i] = std::sqrt(squared[l][i]);
      scale = factors(norms, per_layer_bound);
    }
    for (Tensor& g : layers[l]->weighted_sum(scale)) out.gradients.push_back(std::move(g));
  }
  out.clipped = std::count(clipped.begin(), clipped.end(), true);
  return out;
}

}  // namespace deepfin::privacy
