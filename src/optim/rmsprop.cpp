#include "deepfin/optim/rmsprop.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "optim/parallel_chunks.h"

namespace deepfin::optim {

namespace {
std::vector<std::string> rmsprop_slots(const RMSpropOptions& o) {
  if (!(o.rho >= 0.0 && o.rho < 1.0))
    throw ValueError(fmt::format("RMSprop: rho must be in [0, 1), got {:.6f}", o.rho));
  if (!(o.momentum >= 0.0 && o.momentum <= 1.0))
    throw ValueError(fmt::format("RMSprop: momentum must be in [0, 1], got {:.6f}", o.momentum));
  if (!(o.epsilon >= 0.0)) throw ValueError("RMSprop: epsilon must be >= 0");
  // Brace lists, not push_back: GCC 12 raises a false -Warray-bounds on short string literals there.
  if (o.momentum > 0 && o.centered) return {"velocity", "momentum", "average_gradient"};
  if (o.momentum > 0) return {"velocity", "momentum"};
  if (o.centered) return {"velocity", "average_gradient"};
  return {"velocity"};
}
}  // namespace

RMSpropOptimizer::RMSpropOptimizer(const RMSpropOptions& o)
    : Optimizer("RMSprop", o.learning_rate, {o.clipnorm, o.clipvalue, o.global_clipnorm}, o.schedule, rmsprop_slots(o)),
      options_(o) {}

namespace {
struct RMSpropStep {
  float lr, rho, one_minus_rho, eps, mu;
};

void rmsprop_kernel(const RMSpropStep& s, float* __restrict p, const float* __restrict g, float* __restrict v,
                    float* __restrict b, float* __restrict a, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    v[i] = s.rho * v[i] + s.one_minus_rho * g[i] * g[i];
    float denom = v[i] + s.eps;
    if (a) {
      a[i] = s.rho * a[i] + s.one_minus_rho * g[i];
      denom -= a[i] * a[i];
    }
    const float step = s.lr * g[i] / std::sqrt(denom);
    if (b) {
      b[i] = s.mu * b[i] + step;
      p[i] -= b[i];
    } else {
      p[i] -= step;
    }
  }
}
}  // namespace

void RMSpropOptimizer::update(float* p, const float* g, int64_t n, double lr) {
  const RMSpropStep s{static_cast<float>(lr), static_cast<float>(options_.rho), static_cast<float>(1.0 - options_.rho),
                      static_cast<float>(options_.epsilon), static_cast<float>(options_.momentum)};
  const bool use_momentum = options_.momentum > 0;
  float* v = slot(0);
  float* b = use_momentum ? slot(1) : nullptr;
  float* a = options_.centered ? slot(use_momentum ? 2 : 1) : nullptr;
  detail::parallel_chunks(n, [&](int64_t lo, int64_t hi) {
    rmsprop_kernel(s, p + lo, g + lo, v + lo, b ? b + lo : nullptr, a ? a + lo : nullptr, hi - lo);
  });
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
