#pragma once
// Stochastic gradient descent, Keras 3 form:
//   momentum == 0:  p -= lr * g
//   momentum  > 0:  v = momentum * v - lr * g
//                   p += v                         (nesterov: p += momentum * v - lr * g, with the new v)
// PyTorch writes momentum as b = momentum * b + g; p -= lr * b (nesterov: p -= lr * (g + momentum * b)).
// With a constant lr, v == -lr * b at every step, so both give the same trajectory (tested).
#include <memory>

#include "deepfin/optim/optimizer.h"

namespace deepfin::optim {

struct SGDOptions {
  double learning_rate = 0.01;
  double momentum = 0.0;
  bool nesterov = false;
  double clipnorm = 0.0;
  double clipvalue = 0.0;
  double global_clipnorm = 0.0;
  std::shared_ptr<LearningRateSchedule> schedule = nullptr;
};

class SGDOptimizer final : public Optimizer {
 public:
  explicit SGDOptimizer(const SGDOptions& options);
  std::string class_name() const override { return "SGD"; }
  nlohmann::json get_config() const override;
  const SGDOptions& options() const { return options_; }

 protected:
  void update(float* p, const float* g, int64_t n, double lr) override;

 private:
  SGDOptions options_;
};

std::shared_ptr<Optimizer> SGD(const SGDOptions& options = {});

}  // namespace deepfin::optim
