#include "metrics/host_batch.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

namespace deepfin::metrics::detail {

void require_defined(const Tensor& y_true, const Tensor& y_pred, const std::string& metric) {
  if (!y_true.defined() || !y_pred.defined())
    throw ValueError(fmt::format("{}: y_true and y_pred are required", metric));
}

std::vector<double> sample_weights(const Tensor& w, int64_t samples, const Shape& pred_shape,
                                   const std::string& metric) {
  if (!w.defined()) return std::vector<double>(static_cast<size_t>(samples), 1.0);
  if (w.numel() != samples || w.dim() > 2 || (w.dim() == 2 && w.size(1) != 1))
    throw ShapeError(fmt::format("{}: sample_weight {} must hold one weight per sample of y_pred {}", metric,
                                 shape_str(w.shape()), shape_str(pred_shape)));
  return w.to_vector<double>();
}

HostBatch elementwise_batch(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight,
                            const std::string& metric) {
  require_defined(y_true, y_pred, metric);
  Tensor t = y_true;
  if (t.dim() + 1 == y_pred.dim() && y_pred.size(-1) == 1) t = t.unsqueeze(-1);
  if (t.dim() == y_pred.dim() + 1 && t.size(-1) == 1) t = t.squeeze(-1);
  if (t.shape() != y_pred.shape())
    throw ShapeError(fmt::format("{}: y_true {} does not match y_pred {}", metric, shape_str(y_true.shape()),
                                 shape_str(y_pred.shape())));
  HostBatch b;
  b.samples = y_pred.dim() == 0 ? 1 : y_pred.size(0);
  b.per_sample = b.samples > 0 ? y_pred.numel() / b.samples : 0;
  b.y_true = t.to_vector<double>();
  b.y_pred = y_pred.to_vector<double>();
  b.weights = sample_weights(sample_weight, b.samples, y_pred.shape(), metric);
  return b;
}

}  // namespace deepfin::metrics::detail
