#include <fmt/format.h>

#include "deepfin/metrics/metric.h"
#include "metrics/host_batch.h"

namespace deepfin::metrics {

void Mean::update_state(const Tensor& values, const Tensor&, const Tensor& sample_weight) {
  if (!values.defined()) throw ValueError(fmt::format("{}: values are required", name()));
  const auto v = values.to_vector<double>();
  const int64_t samples = values.dim() == 0 ? 1 : values.size(0);
  const auto w = detail::sample_weights(sample_weight, samples, values.shape(), name());
  const size_t per_sample = samples > 0 ? v.size() / static_cast<size_t>(samples) : 1;
  for (size_t e = 0; e < v.size(); ++e) add(v[e], w[e / per_sample]);
}

}  // namespace deepfin::metrics
