#include "deepfin/optim/rmsprop.h"

#include <cmath>

#include "deepfin/core/error.h"
#include "deepfin/core/threads.h"

namespace deepfin::optim {

namespace {
std::vector<std::string> rmsprop_slots(const RMSpropOptions& o) {
  if (!(o.rho >= 0.0 && o.rho < 1.0)) throw ValueError("RMSprop: rho must be in [0, 1), got " + std::to_string(o.rho));
  if (!(o.momentum >= 0.0 && o.momentum <= 1.0))
    throw ValueError("RMSprop: momentum must be in [0, 1], got " + std::to_string(o.momentum));
  if (!(o.epsilon >= 0.0)) throw ValueError("RMSprop: epsilon must be >= 0");
  std::vector<std::string> slots{"velocity"};
  if (o.momentum > 0) slots.push_back("momentum");
  if (o.centered) slots.push_back("average_gradient");
  return slots;
}
}  // namespace

RMSpropOptimizer::RMSpropOptimizer(const RMSpropOptions& o)
    : Optimizer("RMSprop", o.learning_rate, {o.clipnorm, o.clipvalue, o.global_clipnorm}, o.schedule, rmsprop_slots(o)),
      options_(o) {}

void RMSpropOptimizer::update(float* p, const float* g, int64_t n, double lr_d) {
  const float lr = static_cast<float>(lr_d);
  const float rho = static_cast<float>(options_.rho);
  const float one_minus_rho = static_cast<float>(1.0 - options_.rho);
  const float eps = static_cast<float>(options_.epsilon);
  const float mu = static_cast<float>(options_.momentum);
  const bool use_momentum = options_.momentum > 0;
  const bool centered = options_.centered;
  float* v = slot(0);
  float* b = use_momentum ? slot(1) : nullptr;
  float* a = centered ? slot(use_momentum ? 2 : 1) : nullptr;
  // One loop with loop-invariant branches: the compiler unswitches them, so each variant vectorizes.
#pragma omp parallel for simd if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) {
    v[i] = rho * v[i] + one_minus_rho * g[i] * g[i];
    float denom = v[i] + eps;
    if (centered) {
      a[i] = rho * a[i] + one_minus_rho * g[i];
      denom -= a[i] * a[i];
    }
    const float step = lr * g[i] / std::sqrt(denom);
    if (use_momentum) {
      b[i] = mu * b[i] + step;
      p[i] -= b[i];
    } else {
      p[i] -= step;
    }
  }
}

nlohmann::json RMSpropOptimizer::get_config() const {
  nlohmann::json c = Optimizer::get_config();
  c["rho"] = options_.rho;
  c["momentum"] = options_.momentum;
  c["epsilon"] = options_.epsilon;
  c["centered"] = options_.centered;
  return c;
}

std::shared_ptr<Optimizer> RMSprop(const RMSpropOptions& options) {
  return std::make_shared<RMSpropOptimizer>(options);
}

}  // namespace deepfin::optim
