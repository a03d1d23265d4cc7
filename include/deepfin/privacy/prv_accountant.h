#pragma once
// The PRV accountant (Gopi, Lee, Wutschitz 2021): each step's privacy loss as
// a random variable, discretized on a fine grid, composed exactly by FFT over
// all steps and phases, and delta(epsilon) read off the composed distribution.
// Tighter than RDP for the same training. Rigorous: every loss value is rounded
// up to the grid, mass cut off above the grid counts as a full loss, and the
// bounds on what lies outside the grid are added to delta, so the epsilon it
// reports is an upper bound (by at most the reported slack above the exact one).
#include <cstdint>
#include <vector>

#include "deepfin/privacy/rdp_accountant.h"

namespace deepfin::privacy {

struct PrvEpsilon {
  double epsilon = 0.0;
  double slack = 0.0;  // how much the grid's rounding may have added (steps x mesh)
};

// Epsilon at `delta` after `phases` of the Poisson-subsampled Gaussian
// mechanism, for both directions of adjacency (an example added, or removed).
PrvEpsilon prv_epsilon(const std::vector<Phase>& phases, double delta);
// Delta at `epsilon` after `phases`.
double prv_delta(const std::vector<Phase>& phases, double epsilon);

// The smallest noise multiplier (to a relative 1e-3) whose `steps` steps at
// `sample_rate` spend at most `target_epsilon` at `delta` by the PRV accountant.
double prv_noise_multiplier_for_epsilon(double target_epsilon, double sample_rate, int64_t steps, double delta);

}  // namespace deepfin::privacy
