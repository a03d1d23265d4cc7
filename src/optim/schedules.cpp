#include "deepfin/optim/schedules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"

namespace deepfin::optim {

using config::value;
using nlohmann::json;

namespace {
void check_positive_steps(int64_t steps, const char* owner, const char* what) {
  if (steps <= 0) throw ValueError(fmt::format("{}: {} must be > 0, got {}", owner, what, steps));
}
}  // namespace

ExponentialDecay::ExponentialDecay(double initial_learning_rate, int64_t decay_steps, double decay_rate, bool staircase)
    : initial_(initial_learning_rate), decay_steps_(decay_steps), decay_rate_(decay_rate), staircase_(staircase) {
  check_positive_steps(decay_steps, "ExponentialDecay", "decay_steps");
}

double ExponentialDecay::operator()(int64_t step) const {
  double p = static_cast<double>(step) / static_cast<double>(decay_steps_);
  if (staircase_) p = std::floor(p);
  return initial_ * std::pow(decay_rate_, p);
}

json ExponentialDecay::get_config() const {
  return {{"initial_learning_rate", initial_},
          {"decay_steps", decay_steps_},
          {"decay_rate", decay_rate_},
          {"staircase", staircase_}};
}

StepDecay::StepDecay(double initial_learning_rate, int64_t step_size, double gamma)
    : initial_(initial_learning_rate), step_size_(step_size), gamma_(gamma) {
  check_positive_steps(step_size, "StepDecay", "step_size");
}

double StepDecay::operator()(int64_t step) const {
  return initial_ * std::pow(gamma_, static_cast<double>(step / step_size_));
}

json StepDecay::get_config() const {
  return {{"initial_learning_rate", initial_}, {"step_size", step_size_}, {"gamma", gamma_}};
}

PiecewiseConstantDecay::PiecewiseConstantDecay(std::vector<int64_t> boundaries, std::vector<double> values)
    : boundaries_(std::move(boundaries)), values_(std::move(values)) {
  if (values_.size() != boundaries_.size() + 1)
    throw ValueError(
        fmt::format("PiecewiseConstantDecay: needs one more value than boundaries, got {} boundaries and {} values",
                    boundaries_.size(), values_.size()));
  if (!std::is_sorted(boundaries_.begin(), boundaries_.end()))
    throw ValueError("PiecewiseConstantDecay: boundaries must be increasing");
}

double PiecewiseConstantDecay::operator()(int64_t step) const {
  // First boundary >= step selects the value; past every boundary, the last value.
  auto it = std::lower_bound(boundaries_.begin(), boundaries_.end(), step);
  return values_[static_cast<size_t>(it - boundaries_.begin())];
}

json PiecewiseConstantDecay::get_config() const {
  return {{"boundaries", boundaries_}, {"values", values_}};
}

CosineDecay::CosineDecay(double initial_learning_rate, int64_t decay_steps, CosineDecayOptions options)
    : initial_(initial_learning_rate), decay_steps_(decay_steps), opt_(options) {
  check_positive_steps(decay_steps, "CosineDecay", "decay_steps");
  if (opt_.warmup_target && opt_.warmup_steps <= 0)
    throw ValueError("CosineDecay: warmup_target needs warmup_steps > 0");
}

double CosineDecay::decayed(double step, double from_lr) const {
  const double fraction = step / static_cast<double>(decay_steps_);
  const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * fraction));
  return from_lr * ((1.0 - opt_.alpha) * cosine + opt_.alpha);
}

double CosineDecay::operator()(int64_t step) const {
  double s = static_cast<double>(step);
  if (!opt_.warmup_target) return decayed(std::min(s, static_cast<double>(decay_steps_)), initial_);
  const double warmup = static_cast<double>(opt_.warmup_steps);
  s = std::min(s, static_cast<double>(decay_steps_) + warmup);
  if (s < warmup) return initial_ + (*opt_.warmup_target - initial_) * (s / warmup);
  return decayed(s - warmup, *opt_.warmup_target);
}

json CosineDecay::get_config() const {
  return {{"initial_learning_rate", initial_},
          {"decay_steps", decay_steps_},
          {"alpha", opt_.alpha},
          {"warmup_target", opt_.warmup_target ? json(*opt_.warmup_target) : json(nullptr)},
          {"warmup_steps", opt_.warmup_steps}};
}

json serialize_schedule(const LearningRateSchedule& schedule) {
  return {{"class_name", schedule.class_name()}, {"config", schedule.get_config()}};
}

std::shared_ptr<LearningRateSchedule> schedule_from_config(const json& j) {
  if (!j.is_object() || !j.contains("class_name") || !j["class_name"].is_string())
    throw ConfigError(
        fmt::format("schedule_from_config: expected {{\"class_name\": ..., \"config\": {{...}}}}, got {}", j.dump()));
  const std::string name = j["class_name"].get<std::string>();
  const json config = j.value("config", json::object());
  const char* owner = "schedule_from_config";
  if (name == "ExponentialDecay")
    return std::make_shared<ExponentialDecay>(
        value<double>(config, "initial_learning_rate", 0.0, owner), value<int64_t>(config, "decay_steps", 0, owner),
        value<double>(config, "decay_rate", 0.0, owner), value<bool>(config, "staircase", false, owner));
  if (name == "StepDecay")
    return std::make_shared<StepDecay>(value<double>(config, "initial_learning_rate", 0.0, owner),
                                       value<int64_t>(config, "step_size", 0, owner),
                                       value<double>(config, "gamma", 0.1, owner));
  if (name == "PiecewiseConstantDecay")
    return std::make_shared<PiecewiseConstantDecay>(value<std::vector<int64_t>>(config, "boundaries", {}, owner),
                                                    value<std::vector<double>>(config, "values", {}, owner));
  if (name == "CosineDecay") {
    CosineDecayOptions o;
    o.alpha = value<double>(config, "alpha", 0.0, owner);
    if (config.contains("warmup_target") && !config["warmup_target"].is_null())
      o.warmup_target = value<double>(config, "warmup_target", 0.0, owner);
    o.warmup_steps = value<int64_t>(config, "warmup_steps", 0, owner);
    return std::make_shared<CosineDecay>(value<double>(config, "initial_learning_rate", 0.0, owner),
                                         value<int64_t>(config, "decay_steps", 0, owner), o);
  }
  throw ConfigError(
      fmt::format("schedule_from_config: unknown schedule '{}'; valid: ExponentialDecay, StepDecay, "
                  "PiecewiseConstantDecay, CosineDecay",
                  name));
}

}  // namespace deepfin::optim
