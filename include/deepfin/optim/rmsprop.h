#pragma once
// RMSprop, Keras 3 form (epsilon inside the square root):
//   v = rho * v + (1 - rho) * g^2
//   centered: a = rho * a + (1 - rho) * g;  denom = v - a^2 + epsilon,  else denom = v + epsilon
//   step = lr * g / sqrt(denom)
//   momentum > 0: b = momentum * b + step; p -= b     else p -= step
// PyTorch (alpha = rho) adds eps outside the root: g / (sqrt(v) + eps); otherwise the same
// for a constant lr (its momentum buffer holds step / lr).
#include <memory>

#include "deepfin/optim/optimizer.h"

namespace deepfin::optim {

struct RMSpropOptions {
  double learning_rate = 0.001;
  double rho = 0.9;
  double momentum = 0.0;
  double epsilon = 1e-7;
  bool centered = false;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
  double global_clipnorm = 0.0;
  std::shared_ptr<LearningRateSchedule> schedule = nullptr;
};

class RMSpropOptimizer final : public Optimizer {
 public:
  explicit RMSpropOptimizer(const RMSpropOptions& options);
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override;
  const RMSpropOptions& options() const { return options_; }

 protected:
  void update(float* p, const float* g, int64_t n, double lr) override;

 private:
  RMSpropOptions options_;
};

std::shared_ptr<Optimizer> RMSprop(const RMSpropOptions& options = {});

}  // namespace deepfin::optim
