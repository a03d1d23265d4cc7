#include "deepfin/optim/optimizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/base/threads.h"

namespace deepfin::optim {

namespace {
void check_non_negative(double v, const std::string& owner, const char* what) {
  if (!(v >= 0.0) || !std::isfinite(v))
    throw ValueError(fmt::format("{}: {} must be a finite number >= 0, got {:.6f}", owner, what, v));
}

// Fixed-size blocks whose partial sums are added in order: the same bits for
// every run and thread count (an OpenMP reduction adds in finishing order).
double sum_of_squares(const float* g, int64_t n) {
  constexpr int64_t kBlock = 8192;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
#pragma omp parallel for schedule(static) if (deepfin::worth_parallel(n))
  for (int64_t b = 0; b < blocks; ++b) {
    double s = 0.0;
    const int64_t end = std::min(n, (b + 1) * kBlock);
    for (int64_t i = b * kBlock; i < end; ++i) s += static_cast<double>(g[i]) * g[i];
    partial[static_cast<size_t>(b)] = s;
  }
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

// g *= c / max(norm, c): leaves g alone when its norm is already within c.
void scale_to_norm(float* g, int64_t n, double norm, double c) {
  if (norm <= c) return;
  const float scale = static_cast<float>(c / norm);
#pragma omp parallel for simd if (deepfin::worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) g[i] *= scale;
}
}  // namespace

Optimizer::Optimizer(std::string name, double learning_rate, ClipOptions clip,
                     std::shared_ptr<LearningRateSchedule> schedule, std::vector<std::string> slot_names)
    : name_(std::move(name)),
      learning_rate_(learning_rate),
      clip_(clip),
      schedule_(std::move(schedule)),
      slot_names_(std::move(slot_names)) {
  check_non_negative(learning_rate_, name_, "learning_rate");
  check_non_negative(clip_.clipnorm, name_, "clipnorm");
  check_non_negative(clip_.clipvalue, name_, "clipvalue");
  check_non_negative(clip_.global_clipnorm, name_, "global_clipnorm");
  if (clip_.clipnorm > 0 && clip_.global_clipnorm > 0)
    throw ValueError(fmt::format("{}: only one of clipnorm and global_clipnorm can be set", name_));
}

double Optimizer::learning_rate() const {
  return schedule_ ? (*schedule_)(iterations_) : learning_rate_;
}

void Optimizer::set_learning_rate(double lr) {
  if (schedule_)
    throw ValueError(fmt::format("{}: the learning rate comes from a {} schedule and cannot be set", name_,
                                 schedule_->class_name()));
  check_non_negative(lr, name_, "learning_rate");
  learning_rate_ = lr;
}

void Optimizer::set_variable_sizes(std::vector<int64_t> sizes) {
  for (int64_t s : sizes)
    if (s < 0) throw ValueError(fmt::format("{}: variable sizes must be >= 0", name_));
  variable_sizes_ = std::move(sizes);
}

void Optimizer::set_learning_rate_multipliers(std::vector<double> multipliers) {
  for (double m : multipliers)
    if (!(m >= 0.0) || !std::isfinite(m))
      throw ValueError(fmt::format("{}: learning-rate multipliers must be finite and >= 0, got {}", name_, m));
  lr_multipliers_ = std::move(multipliers);
}

void Optimizer::ensure_slots(int64_t n) {
  if (arena_size_ == n) return;
  if (arena_size_ >= 0)
    throw ShapeError(
        fmt::format("{}.apply_gradients: the parameter arena had {} elements and now has {}", name_, arena_size_, n));
  arena_size_ = n;
  slots_.assign(slot_names_.size(), std::vector<float>(static_cast<size_t>(n), 0.0f));
}

const float* Optimizer::clipped(const float* grads, int64_t n) {
  if (clip_.clipnorm <= 0 && clip_.global_clipnorm <= 0 && clip_.clipvalue <= 0) return grads;
  scratch_.assign(grads, grads + n);
  float* g = scratch_.data();
  if (clip_.clipnorm > 0) {
    std::vector<int64_t> sizes = variable_sizes_.empty() ? std::vector<int64_t>{n} : variable_sizes_;
    if (std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) != n)
      throw ShapeError(fmt::format("{}.apply_gradients: variable sizes sum to {} but the arena has {} elements", name_,
                                   std::accumulate(sizes.begin(), sizes.end(), int64_t{0}), n));
    for (int64_t s : sizes) {
      scale_to_norm(g, s, std::sqrt(sum_of_squares(g, s)), clip_.clipnorm);
      g += s;
    }
  } else if (clip_.global_clipnorm > 0) {
    scale_to_norm(g, n, std::sqrt(sum_of_squares(g, n)), clip_.global_clipnorm);
  } else {
    const float c = static_cast<float>(clip_.clipvalue);
#pragma omp parallel for simd if (deepfin::worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) g[i] = std::clamp(g[i], -c, c);
  }
  return scratch_.data();
}

void Optimizer::apply_gradients(float* params, const float* grads, int64_t n) {
  if (n < 0) throw ValueError(fmt::format("{}.apply_gradients: negative arena size {}", name_, n));
  if (n > 0 && (params == nullptr || grads == nullptr))
    throw ValueError(fmt::format("{}.apply_gradients: null parameter or gradient pointer", name_));
  ensure_slots(n);
  const float* g = clipped(grads, n);
  if (lr_multipliers_.empty()) {
    update(params, g, n, learning_rate());
  } else {
    if (lr_multipliers_.size() != variable_sizes_.size())
      throw ShapeError(fmt::format("{}.apply_gradients: {} learning-rate multipliers for {} variables", name_,
                                   lr_multipliers_.size(), variable_sizes_.size()));
    if (std::accumulate(variable_sizes_.begin(), variable_sizes_.end(), int64_t{0}) != n)
      throw ShapeError(
          fmt::format("{}.apply_gradients: variable sizes do not sum to the arena's {} elements", name_, n));
    // Each variable is its own fused pass at its own rate; the slots follow through slot_offset_.
    const double lr = learning_rate();
    int64_t offset = 0;
    for (size_t v = 0; v < variable_sizes_.size(); ++v) {
      slot_offset_ = offset;
      update(params + offset, g + offset, variable_sizes_[v], lr * lr_multipliers_[v]);
      offset += variable_sizes_[v];
    }
    slot_offset_ = 0;
  }
  ++iterations_;
}

nlohmann::json Optimizer::get_config() const {
  return {{"name", name_},
          {"learning_rate", schedule_ ? serialize_schedule(*schedule_) : nlohmann::json(learning_rate_)},
          {"clipnorm", config::null_if_zero(clip_.clipnorm)},
          {"global_clipnorm", config::null_if_zero(clip_.global_clipnorm)},
          {"clipvalue", config::null_if_zero(clip_.clipvalue)}};
}

std::vector<std::pair<std::string, Tensor>> Optimizer::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  out.emplace_back("iterations", from_vector(std::vector<int64_t>{iterations_}, Shape{1}));
  const int64_t n = std::max<int64_t>(arena_size_, 0);
  for (size_t i = 0; i < slot_names_.size(); ++i) {
    std::vector<float> values = slots_.empty() ? std::vector<float>(static_cast<size_t>(n), 0.0f) : slots_[i];
    out.emplace_back(slot_names_[i], from_vector(values, Shape{n}));
  }
  return out;
}

void Optimizer::set_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  const std::string owner = name_ + ".set_state";
  if (state.size() != slot_names_.size() + 1)
    throw ValueError(fmt::format("{}: expected {} entries, got {}", owner, slot_names_.size() + 1, state.size()));
  if (state[0].first != "iterations" || state[0].second.numel() != 1 || state[0].second.dtype() != DType::int64 ||
      state[0].second.to_vector<int64_t>()[0] < 0)
    throw ValueError(fmt::format("{}: the first entry must be 'iterations', one int64 count >= 0", owner));
  int64_t n = -1;
  std::vector<std::vector<float>> slots;
  for (size_t i = 0; i < slot_names_.size(); ++i) {
    const auto& [name, t] = state[i + 1];
    if (name != slot_names_[i])
      throw ValueError(fmt::format("{}: expected slot '{}', got '{}'", owner, slot_names_[i], name));
    if (t.dim() != 1 || (n >= 0 && t.numel() != n))
      throw ValueError(fmt::format("{}: slot '{}' has shape {}; slots must be 1-D and of one size", owner, name,
                                   shape_str(t.shape())));
    n = t.numel();
    slots.push_back(t.to_vector<float>());
  }
  if (n >= 0 && arena_size_ >= 0 && n != arena_size_)
    throw ValueError(
        fmt::format("{}: state is for an arena of {} elements, this optimizer has {}", owner, n, arena_size_));
  iterations_ = static_cast<int64_t>(state[0].second.to_vector<int64_t>()[0]);
  if (n > 0 || (n == 0 && arena_size_ == 0)) {  // empty slots from a never-stepped optimizer stay unallocated
    arena_size_ = n;
    slots_ = std::move(slots);
  }
}

}  // namespace deepfin::optim
