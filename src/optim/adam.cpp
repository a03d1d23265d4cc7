#include "deepfin/optim/adam.h"

#include <cmath>

#include "deepfin/core/error.h"
#include "deepfin/core/threads.h"

namespace deepfin::optim {

namespace {
AdamWOptions widen(const AdamOptions& o) {
  return {.learning_rate = o.learning_rate,
          .weight_decay = 0.0,
          .beta_1 = o.beta_1,
          .beta_2 = o.beta_2,
          .epsilon = o.epsilon,
          .amsgrad = o.amsgrad,
          .clipnorm = o.clipnorm,
          .clipvalue = o.clipvalue,
          .global_clipnorm = o.global_clipnorm,
          .schedule = o.schedule};
}

std::vector<std::string> adam_slots(const AdamWOptions& o, const char* name) {
  auto in_unit = [&](double v, const char* what) {
    if (!(v >= 0.0 && v < 1.0))
      throw ValueError(std::string(name) + ": " + what + " must be in [0, 1), got " + std::to_string(v));
  };
  in_unit(o.beta_1, "beta_1");
  in_unit(o.beta_2, "beta_2");
  if (!(o.epsilon >= 0.0)) throw ValueError(std::string(name) + ": epsilon must be >= 0");
  if (!(o.weight_decay >= 0.0)) throw ValueError(std::string(name) + ": weight_decay must be >= 0");
  if (o.amsgrad) return {"m", "v", "v_max"};
  return {"m", "v"};
}
}  // namespace

AdamOptimizer::AdamOptimizer(const AdamOptions& o)
    : Optimizer("Adam", o.learning_rate, {o.clipnorm, o.clipvalue, o.global_clipnorm}, o.schedule,
                adam_slots(widen(o), "Adam")),
      options_(widen(o)),
      decoupled_(false) {}

AdamOptimizer::AdamOptimizer(const AdamWOptions& o)
    : Optimizer("AdamW", o.learning_rate, {o.clipnorm, o.clipvalue, o.global_clipnorm}, o.schedule,
                adam_slots(o, "AdamW")),
      options_(o),
      decoupled_(true) {}

void AdamOptimizer::update(float* p, const float* g, int64_t n, double lr) {
  const double t = static_cast<double>(iterations() + 1);
  const float alpha =
      static_cast<float>(lr * std::sqrt(1.0 - std::pow(options_.beta_2, t)) / (1.0 - std::pow(options_.beta_1, t)));
  const float one_minus_b1 = static_cast<float>(1.0 - options_.beta_1);
  const float one_minus_b2 = static_cast<float>(1.0 - options_.beta_2);
  const float eps = static_cast<float>(options_.epsilon);
  const float decay = static_cast<float>(lr * options_.weight_decay);
  float* m = slot(0);
  float* v = slot(1);
  const bool parallel = worth_parallel(n);
  if (options_.amsgrad) {
    float* v_max = slot(2);
#pragma omp parallel for simd if (parallel)
    for (int64_t i = 0; i < n; ++i) {
      const float pi = p[i] - decay * p[i];
      m[i] += one_minus_b1 * (g[i] - m[i]);
      v[i] += one_minus_b2 * (g[i] * g[i] - v[i]);
      v_max[i] = std::max(v_max[i], v[i]);
      p[i] = pi - alpha * m[i] / (std::sqrt(v_max[i]) + eps);
    }
    return;
  }
#pragma omp parallel for simd if (parallel)
  for (int64_t i = 0; i < n; ++i) {
    const float pi = p[i] - decay * p[i];
    m[i] += one_minus_b1 * (g[i] - m[i]);
    v[i] += one_minus_b2 * (g[i] * g[i] - v[i]);
    p[i] = pi - alpha * m[i] / (std::sqrt(v[i]) + eps);
  }
}

nlohmann::json AdamOptimizer::get_config() const {
  nlohmann::json c = Optimizer::get_config();
  if (decoupled_) c["weight_decay"] = options_.weight_decay;
  c["beta_1"] = options_.beta_1;
  c["beta_2"] = options_.beta_2;
  c["epsilon"] = options_.epsilon;
  c["amsgrad"] = options_.amsgrad;
  return c;
}

std::shared_ptr<Optimizer> Adam(const AdamOptions& options) {
  return std::make_shared<AdamOptimizer>(options);
}
std::shared_ptr<Optimizer> AdamW(const AdamWOptions& options) {
  return std::make_shared<AdamOptimizer>(options);
}

}  // namespace deepfin::optim
