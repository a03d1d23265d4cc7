#pragma once
// The optimizer base: one step over a model's whole parameter arena.
//
//   apply_gradients(params, grads, n):
//     1. clip a copy of grads (grads is const):
//          clipnorm        > 0: g *= c / max(||g||, c), per variable (see set_variable_sizes;
//                               with no sizes the whole arena is one variable)
//          global_clipnorm > 0: g *= c / max(||g||_global, c)
//          clipvalue       > 0: g = clamp(g, -c, c)
//        (first one set wins, like Keras; clipnorm and global_clipnorm together is a ValueError)
//     2. lr = schedule ? schedule(iterations) : learning_rate
//     3. update(params, g, n, lr)      — one fused pass over the arena
//     4. iterations += 1
//
// Slot buffers (momentum, Adam moments, ...) are allocated on the first step for
// the arena size n; a later step with a different n is a ShapeError.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/optim/schedules.h"

namespace deepfin::optim {

struct ClipOptions {
  double clipnorm = 0.0;
  double clipvalue = 0.0;
  double global_clipnorm = 0.0;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  void apply_gradients(float* params, const float* grads, int64_t n);

  // The rate the next step uses: schedule(iterations) if a schedule is set.
  double learning_rate() const;
  // ValueError when the optimizer runs on a schedule (as in Keras).
  void set_learning_rate(double lr);
  const std::shared_ptr<LearningRateSchedule>& schedule() const { return schedule_; }
  int64_t iterations() const { return iterations_; }
  const ClipOptions& clip_options() const { return clip_; }

  // Sizes of the variables laid out back to back in the arena, so that clipnorm
  // clips each one by its own norm as Keras does. They must sum to n at each step.
  void set_variable_sizes(std::vector<int64_t> sizes);
  // Discriminative learning rates (ULMFiT): variable v steps with lr x multipliers[v]. One per
  // variable of set_variable_sizes (ShapeError at the next step otherwise); empty: all 1.
  // ValueError for a negative or non-finite multiplier.
  void set_learning_rate_multipliers(std::vector<double> multipliers);
  const std::vector<double>& learning_rate_multipliers() const { return lr_multipliers_; }

  virtual std::string class_name() const = 0;
  // Keras-style config: name, learning_rate (a number, or a serialized schedule), clip options, plus
  // each optimizer's own hyper-parameters.
  virtual nlohmann::json get_config() const;

  // {"iterations" (int64, shape (1)), then each slot ("m", "v", ...) as float32 (n)}; copies.
  // The learning rate is not state: it lives in get_config().
  std::vector<std::pair<std::string, Tensor>> state() const;
  // Restores what state() returned (names and sizes must match; ValueError otherwise).
  void set_state(const std::vector<std::pair<std::string, Tensor>>& state);

 protected:
  Optimizer(std::string name, double learning_rate, ClipOptions clip, std::shared_ptr<LearningRateSchedule> schedule,
            std::vector<std::string> slot_names);
  // One fused pass: p -= f(g, slots) for i in [0, n). iterations() is the count before this step.
  virtual void update(float* p, const float* g, int64_t n, double lr) = 0;
  // Slot i of the elements update() is given (a variable's, with learning-rate multipliers).
  float* slot(size_t i) { return slots_[i].data() + slot_offset_; }

  std::string name_;

 private:
  const float* clipped(const float* grads, int64_t n);
  void ensure_slots(int64_t n);

  double learning_rate_;
  ClipOptions clip_;
  std::shared_ptr<LearningRateSchedule> schedule_;
  std::vector<std::string> slot_names_;
  std::vector<std::vector<float>> slots_;
  std::vector<float> scratch_;  // clipped gradient copy
  std::vector<int64_t> variable_sizes_;
  std::vector<double> lr_multipliers_;
  int64_t slot_offset_ = 0;
  int64_t arena_size_ = -1;  // -1 until the first step or set_state
  int64_t iterations_ = 0;
};

}  // namespace deepfin::optim
