#pragma once
// Copies a batch to the host as doubles and checks it, for the metrics.
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::metrics::detail {

struct HostBatch {
  std::vector<double> y_true, y_pred;
  std::vector<double> weights;  // one per sample
  int64_t samples = 0;
  int64_t per_sample = 0;  // y_pred values per sample
  double weight_of(size_t element) const { return weights[element / static_cast<size_t>(per_sample)]; }
};

// For metrics that compare y_true and y_pred element by element: y_true may lack y_pred's trailing
// axis of size 1 or have an extra one; otherwise the shapes must match (ShapeError naming `metric`).
HostBatch elementwise_batch(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight,
                            const std::string& metric);

// Per-sample weights: 1 when `w` is undefined; w must hold one value per sample.
std::vector<double> sample_weights(const Tensor& w, int64_t samples, const Shape& pred_shape,
                                   const std::string& metric);

// Throws ValueError naming `metric` when a tensor is missing.
void require_defined(const Tensor& y_true, const Tensor& y_pred, const std::string& metric);

}  // namespace deepfin::metrics::detail
