#pragma once
// Learning-rate schedules, evaluated at the optimizer's iteration count (the
// number of apply_gradients calls so far). Formulas follow Keras 3
// (keras.optimizers.schedules), so a saved config means the same in both.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace deepfin::optim {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  virtual double operator()(int64_t step) const = 0;
  virtual std::string class_name() const = 0;
  // The constructor arguments, Keras-style (without class_name).
  virtual nlohmann::json get_config() const = 0;
};

// lr = initial * decay_rate ^ (step / decay_steps); staircase floors the exponent.
class ExponentialDecay final : public LearningRateSchedule {
 public:
  ExponentialDecay(double initial_learning_rate, int64_t decay_steps, double decay_rate, bool staircase = false);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "ExponentialDecay"; }
  nlohmann::json get_config() const override;

 private:
  double initial_;
  int64_t decay_steps_;
  double decay_rate_;
  bool staircase_;
};

// Like torch.optim.lr_scheduler.StepLR: lr = initial * gamma ^ floor(step / step_size).
// (Exactly ExponentialDecay with staircase = true.)
class StepDecay final : public LearningRateSchedule {
 public:
  StepDecay(double initial_learning_rate, int64_t step_size, double gamma = 0.1);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "StepDecay"; }
  nlohmann::json get_config() const override;

 private:
  double initial_;
  int64_t step_size_;
  double gamma_;
};

// values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i],
// values.back() after the last boundary (Keras PiecewiseConstantDecay). Needs values.size() == boundaries.size() + 1.
class PiecewiseConstantDecay final : public LearningRateSchedule {
 public:
  PiecewiseConstantDecay(std::vector<int64_t> boundaries, std::vector<double> values);
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "PiecewiseConstantDecay"; }
  nlohmann::json get_config() const override;

 private:
  std::vector<int64_t> boundaries_;
  std::vector<double> values_;
};

// Keras CosineDecay. Without warmup:
//   s = min(step, decay_steps); lr = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)
// With warmup_target set: linear from initial to warmup_target over warmup_steps, then the cosine
// decay above starting from warmup_target, over the following decay_steps.
struct CosineDecayOptions {
  double alpha = 0.0;
  std::optional<double> warmup_target = std::nullopt;
  int64_t warmup_steps = 0;
};
class CosineDecay final : public LearningRateSchedule {
 public:
  CosineDecay(double initial_learning_rate, int64_t decay_steps, CosineDecayOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "CosineDecay"; }
  nlohmann::json get_config() const override;

 private:
  double decayed(double step, double from_lr) const;
  double initial_;
  int64_t decay_steps_;
  CosineDecayOptions opt_;
};

// {"class_name": ..., "config": {...}} for a schedule, and back. Unknown class_name → ConfigError
// listing the known ones.
nlohmann::json serialize_schedule(const LearningRateSchedule& schedule);
std::shared_ptr<LearningRateSchedule> schedule_from_config(const nlohmann::json& j);

}  // namespace deepfin::optim
