#include "deepfin/optim/sgd.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/base/threads.h"

namespace deepfin::optim {

namespace {
std::vector<std::string> sgd_slots(const SGDOptions& o) {
  if (!(o.momentum >= 0.0 && o.momentum <= 1.0))
    throw ValueError(fmt::format("SGD: momentum must be in [0, 1], got {:.6f}", o.momentum));
  return o.momentum > 0 ? std::vector<std::string>{"momentum"} : std::vector<std::string>{};
}
}  // namespace

SGDOptimizer::SGDOptimizer(const SGDOptions& o)
    : Optimizer("SGD", o.learning_rate, {o.clipnorm, o.clipvalue, o.global_clipnorm}, o.schedule, sgd_slots(o)),
      options_(o) {}

void SGDOptimizer::update(float* p, const float* g, int64_t n, double lr_d) {
  const float lr = static_cast<float>(lr_d);
  const bool parallel = worth_parallel(n);
  if (options_.momentum == 0.0) {
#pragma omp parallel for simd if (parallel)
    for (int64_t i = 0; i < n; ++i) p[i] -= lr * g[i];
    return;
  }
  const float mu = static_cast<float>(options_.momentum);
  float* v = slot(0);
  if (options_.nesterov) {
#pragma omp parallel for simd if (parallel)
    for (int64_t i = 0; i < n; ++i) {
      v[i] = mu * v[i] - lr * g[i];
      p[i] += mu * v[i] - lr * g[i];
    }
  } else {
#pragma omp parallel for simd if (parallel)
    for (int64_t i = 0; i < n; ++i) {
      v[i] = mu * v[i] - lr * g[i];
      p[i] += v[i];
    }
  }
}

nlohmann::json SGDOptimizer::get_config() const {
  nlohmann::json c = Optimizer::get_config();
  c["momentum"] = options_.momentum;
  c["nesterov"] = options_.nesterov;
  return c;
}

std::shared_ptr<Optimizer> SGD(const SGDOptions& options) {
  return std::make_shared<SGDOptimizer>(options);
}

}  // namespace deepfin::optim
