#pragma once
// Rényi-DP accounting of DP-SGD: the sampled Gaussian mechanism of Mironov,
// Talwar and Zhang (2019), composed over steps and phases, and converted to an
// (epsilon, delta) guarantee with the bound of Balle et al. (2020). The orders and
// the conversion are those Opacus's RDPAccountant uses, so the two agree.
#include <cstdint>
#include <vector>

namespace deepfin::privacy {

// 1.1, 1.2, ..., 10.9, then 12, 13, ..., 63.
const std::vector<double>& default_orders();

// RDP at `order` of one step that samples each example with probability
// `sample_rate` and adds Gaussian noise of std noise_multiplier * clipping norm.
// Exact: a finite sum for integer orders, the two converging series for fractional ones.
double sampled_gaussian_rdp(double sample_rate, double noise_multiplier, double order);

struct EpsilonAt {
  double epsilon = 0.0;
  double order = 0.0;  // the order that gave the smallest epsilon
};

// The (epsilon, delta) guarantee of a mechanism with RDP `rdp[k]` at `orders[k]`.
EpsilonAt epsilon_from_rdp(const std::vector<double>& orders, const std::vector<double>& rdp, double delta);

// One stretch of training with a fixed sampling rate and noise.
struct Phase {
  double sample_rate = 0.0;
  double noise_multiplier = 0.0;
  int64_t steps = 0;
};

// Composes steps (RDP adds up across steps and phases) and reports epsilon.
class RdpAccountant {
 public:
  explicit RdpAccountant(std::vector<double> orders = default_orders());

  // Records `steps` more steps; consecutive steps with the same settings share a phase.
  void step(double sample_rate, double noise_multiplier, int64_t steps = 1);
  // Epsilon spent so far at `delta` (0 before any step).
  EpsilonAt epsilon(double delta) const;
  // Epsilon if `steps` more steps of these settings were taken (the accountant is unchanged).
  EpsilonAt epsilon_after(double sample_rate, double noise_multiplier, int64_t steps, double delta) const;
  const std::vector<Phase>& history() const { return history_; }
  const std::vector<double>& orders() const { return orders_; }
  // The RDP spent so far at each order.
  const std::vector<double>& rdp_curve() const { return rdp_; }
  int64_t steps() const;

 private:
  std::vector<double> rdp_after(double sample_rate, double noise_multiplier, int64_t steps) const;
  // One step's RDP at every order; the last setting's curve is kept, since
  // training takes thousands of steps with the same one.
  const std::vector<double>& step_curve(double sample_rate, double noise_multiplier) const;

  std::vector<double> orders_;
  std::vector<double> rdp_;  // per order, summed over every step so far
  std::vector<Phase> history_;
  mutable Phase cached_{};  // the setting of cached_curve_ (steps unused)
  mutable std::vector<double> cached_curve_;
};

// Epsilon of `steps` steps of one setting, at `delta`.
double rdp_epsilon(double sample_rate, double noise_multiplier, int64_t steps, double delta);

// The smallest noise multiplier (to a relative 1e-4) whose `steps` steps at
// `sample_rate` spend at most `target_epsilon` at `delta`, found by bisection.
double noise_multiplier_for_epsilon(double target_epsilon, double sample_rate, int64_t steps, double delta);

// ValueError naming `what` unless the settings are valid: 0 < sample_rate <= 1,
// noise_multiplier > 0, 0 < delta < 1, steps >= 0, epsilon > 0.
void check_sample_rate(double sample_rate, const char* what);
void check_noise_multiplier(double noise_multiplier, const char* what);
void check_delta(double delta, const char* what);
void check_epsilon(double epsilon, const char* what);

}  // namespace deepfin::privacy
