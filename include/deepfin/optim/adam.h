#pragma once
// Adam and AdamW, Keras 3 form (t = iterations + 1):
//   m = m + (1 - beta_1) * (g - m)
//   v = v + (1 - beta_2) * (g^2 - v)
//   amsgrad: v_max = max(v_max, v), and v_max replaces v below
//   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)          (bias correction folded into the rate)
//   p -= alpha * m / (sqrt(v) + epsilon)
// AdamW first decays the weights, decoupled from the gradient (Keras and PyTorch agree):
//   p -= lr * weight_decay * p
// PyTorch adds epsilon to sqrt(v) / sqrt(1 - beta_2^t) instead; the two differ only by how
// much epsilon weighs (epsilon * sqrt(1 - beta_2^t) here), i.e. ~1e-6 relative with Keras's epsilon = 1e-7.
#include <memory>

#include "deepfin/optim/optimizer.h"

namespace deepfin::optim {

struct AdamOptions {
  double learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
  double global_clipnorm = 0.0;
  std::shared_ptr<LearningRateSchedule> schedule = nullptr;
};

// Same fields as Keras's AdamW(learning_rate, weight_decay, beta_1, ...), in that order.
struct AdamWOptions {
  double learning_rate = 0.001;
  double weight_decay = 0.004;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
  double global_clipnorm = 0.0;
  std::shared_ptr<LearningRateSchedule> schedule = nullptr;
};

class AdamOptimizer final : public Optimizer {
 public:
  explicit AdamOptimizer(const AdamOptions& options);   // Adam
  explicit AdamOptimizer(const AdamWOptions& options);  // AdamW
  std::string class_name() const override { return decoupled_ ? "AdamW" : "Adam"; }
  nlohmann::json get_config() const override;
  const AdamWOptions& options() const { return options_; }

 protected:
  void update(float* p, const float* g, int64_t n, double lr) override;

 private:
  AdamWOptions options_;  // weight_decay is 0 for plain Adam
  bool decoupled_;
};

std::shared_ptr<Optimizer> Adam(const AdamOptions& options = {});
std::shared_ptr<Optimizer> AdamW(const AdamWOptions& options = {});

}  // namespace deepfin::optim
