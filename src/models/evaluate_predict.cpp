// Model::evaluate and Model::predict: inference-mode passes in fixed-order batches.
#include <fmt/format.h>

#include <algorithm>

#include "deepfin/autograd/node.h"
#include "deepfin/losses/loss.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/metrics/registry.h"
#include "deepfin/models/model.h"
#include "deepfin/ops/shape_ops.h"
#include "models/data_parallel.h"
#include "models/input_checks.h"

namespace deepfin::models {

train::Logs Model::run_evaluation(const Tensor& x, const Tensor& y, const Tensor& w, int64_t batch_size,
                                  train::Communicator* comm) {
  NoGradGuard no_grad;
  for (const auto& m : metrics_) m->reset_state();
  const int64_t all = x.size(0);
  // Over several ranks, each evaluates its contiguous share and the sums are merged.
  const int ranks = comm ? comm->size() : 1, rank = comm ? comm->rank() : 0;
  const int64_t first = all * rank / ranks, n = all * (rank + 1) / ranks;
  double loss_sum = 0.0;
  for (int64_t start = first; start < n; start += batch_size) {
    const int64_t stop = std::min(n, start + batch_size);
    const Tensor xb = x.slice(0, start, stop), yb = y.slice(0, start, stop);
    const Tensor wb = w.defined() ? w.slice(0, start, stop) : Tensor();
    Tensor y_pred;
    loss_sum += compute_loss(xb, yb, wb, /*training=*/false, &y_pred).item() * static_cast<double>(stop - start);
    for (const auto& m : metrics_) m->update_state(yb, y_pred, wb);
  }
  if (ranks > 1) {
    detail::reduce_metrics(*comm, metrics_);
    return current_logs(detail::global_mean(*comm, loss_sum, static_cast<double>(n - first)));
  }
  return current_logs(all ? loss_sum / static_cast<double>(all) : 0.0);
}

train::Logs Model::evaluate(const Tensor& x_in, const Tensor& y, int64_t batch_size, const Tensor& sample_weight) {
  const char* op = "evaluate";
  const Tensor x = detail::as_model_input(x_in, "x", op);
  if (!compiled()) throw ValueError(fmt::format("evaluate: model '{}' must be compiled first", name_));
  if (batch_size < 1) throw ValueError(fmt::format("evaluate: batch_size must be >= 1, got {}", batch_size));
  detail::check_same_samples(x, "x", y, "y", op);
  if (x.size(0) == 0) throw ValueError("evaluate: x has no samples, so there is no loss or metric to report");
  ensure_built_for(x, op);
  detail::check_finite(x, "x", op);
  detail::check_finite(y, "y", op);
  const Tensor w = detail::combine_sample_weights(y, sample_weight, {}, op);
  ensure_metrics();
  return run_evaluation(x, y, w, batch_size);
}

Tensor Model::predict(const Tensor& x_in, int64_t batch_size) {
  const char* op = "predict";
  const Tensor x = detail::as_model_input(x_in, "x", op);
  if (batch_size < 1) throw ValueError(fmt::format("predict: batch_size must be >= 1, got {}", batch_size));
  ensure_built_for(x, op);
  detail::check_finite(x, "x", op);
  NoGradGuard no_grad;
  const int64_t n = x.size(0);
  std::vector<Tensor> outputs;
  for (int64_t start = 0; start < n; start += batch_size)
    outputs.push_back(forward(x.slice(0, start, std::min(n, start + batch_size)), /*training=*/false, false));
  if (outputs.empty()) {
    Shape shape = {0};
    shape.insert(shape.end(), output_shape_.begin(), output_shape_.end());
    return zeros(shape, x.dtype());
  }
  Tensor out = outputs.size() == 1 ? outputs.front().contiguous() : concat(outputs, 0);
  detail::check_finite_outputs(out, arena_.params_tensor(), op);
  return out;
}

}  // namespace deepfin::models
