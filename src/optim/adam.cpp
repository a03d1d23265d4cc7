#include "deepfin/optim/adam.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "optim/parallel_chunks.h"

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
    if (!(v >= 0.0 && v < 1.0)) throw ValueError(fmt::format("{}: {} must be in [0, 1), got {:.6f}", name, what, v));
  };
  in_unit(o.beta_1, "beta_1");
  in_unit(o.beta_2, "beta_2");
  if (!(o.epsilon >= 0.0)) throw ValueError(fmt::format("{}: epsilon must be >= 0", name));
  if (!(o.weight_decay >= 0.0)) throw ValueError(fmt::format("{}: weight_decay must be >= 0", name));
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

namespace {
struct AdamStep {
  float alpha, one_minus_b1, one_minus_b2, eps, decay;
};

void adam_kernel(const AdamStep& s, float* __restrict p, const float* __restrict g, float* __restrict m,
                 float* __restrict v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float pi = p[i] - s.decay * p[i];
    m[i] += s.one_minus_b1 * (g[i] - m[i]);
    v[i] += s.one_minus_b2 * (g[i] * g[i] - v[i]);
    p[i] = pi - s.alpha * m[i] / (std::sqrt(v[i]) + s.eps);
  }
}

void amsgrad_kernel(const AdamStep& s, float* __restrict p, const float* __restrict g, float* __restrict m,
                    float* __restrict v, float* __restrict v_max, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float pi = p[i] - s.decay * p[i];
    m[i] += s.one_minus_b1 * (g[i] - m[i]);
    v[i] += s.one_minus_b2 * (g[i] * g[i] - v[i]);
    v_max[i] = std::max(v_max[i], v[i]);
    p[i] = pi - s.alpha * m[i] / (std::sqrt(v_max[i]) + s.eps);
  }
}
}  // namespace

void AdamOptimizer::update(float* p, const float* g, int64_t n, double lr) {
  const double t = static_cast<double>(iterations() + 1);
  const AdamStep s{
      static_cast<float>(lr * std::sqrt(1.0 - std::pow(options_.beta_2, t)) / (1.0 - std::pow(options_.beta_1, t))),
      static_cast<float>(1.0 - options_.beta_1), static_cast<float>(1.0 - options_.beta_2),
      static_cast<float>(options_.epsilon), static_cast<float>(lr * options_.weight_decay)};
  float* m = slot(0);
  float* v = slot(1);
  float* v_max = options_.amsgrad ? slot(2) : nullptr;
  detail::parallel_chunks(n, [&](int64_t b, int64_t e) {
    if (v_max)
      amsgrad_kernel(s, p + b, g + b, m + b, v + b, v_max + b, e - b);
    else
      adam_kernel(s, p + b, g + b, m + b, v + b, e - b);
  });
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
