#pragma once
// The bookkeeping of one fit() under DP-SGD: the noise level, the batches
// (Poisson-sampled, or shuffled when asked), the accountant, and the guarantee
// the model records at the end. Model::train_step_private does the step itself.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/privacy/noise_source.h"
#include "deepfin/privacy/privacy_options.h"
#include "deepfin/privacy/rdp_accountant.h"

namespace deepfin::models::detail {

class PrivateTraining {
 public:
  // n training examples, batches of expected size batch_size, `epochs` epochs
  // planned. Solves for the noise when only epsilon is given. Warnings (a large
  // delta, shuffled batches) go to `warnings`.
  // `before`: the phases of earlier private training of the same weights, which
  // the accountant starts from.
  PrivateTraining(const privacy::PrivacyOptions& options, int64_t n, int64_t batch_size, int epochs,
                  const std::vector<privacy::Phase>& before = {});

  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  double sample_rate() const { return sample_rate_; }
  double noise_multiplier() const { return sigma_; }
  double delta() const { return delta_; }
  const privacy::PrivacyOptions& options() const { return options_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  privacy::NoiseSource& noise() { return noise_; }

  // The rows of the next step's batch (may be empty under Poisson sampling).
  std::vector<int64_t> next_batch(int64_t step_in_epoch);
  // Whether one more step keeps the spent epsilon within the budget (always, without one).
  bool step_allowed() const;
  // A fit resumed from a checkpoint taken mid-epoch goes on at this step. With
  // shuffled batches the epoch's permutation was not kept (it comes from the
  // noise source), so a new one is drawn for the rest of the epoch.
  void skip_to(int64_t step_in_epoch);
  // A fit resumed from a checkpoint after `steps` steps: the accountant counts
  // them again, and a seeded noise source (secure_rng = false) moves to a
  // stream of its own, so that no noise already added is drawn twice. (The
  // noise of the steps to come differs from the uninterrupted run's: only
  // OpenSSL's noise is meant for real use, and it can never repeat.)
  void resume_after(int64_t steps);
  // Records a step taken.
  void account_step();
  double epsilon_spent() const;
  // The divisor of the noisy sum: the expected batch size (Poisson) or the batch size.
  double normalizer(int64_t batch) const;
  privacy::Guarantee guarantee() const;
  // One line: the noise, sampling rate, steps and delta, and which noise source.
  std::string describe_plan() const;

 private:
  privacy::PrivacyOptions options_;
  int64_t n_;
  int64_t batch_size_;
  double sample_rate_ = 0.0;
  int64_t steps_per_epoch_ = 0;
  double sigma_ = 0.0;
  double delta_ = 0.0;
  std::vector<std::string> warnings_;
  privacy::NoiseSource noise_;
  privacy::RdpAccountant accountant_;
  std::vector<int64_t> order_;  // the epoch's permutation, for shuffled batches
  int64_t planned_steps_ = 0;
  // PRV with both epsilon and noise: how many steps in all (earlier phases too)
  // the budget allows, worked out once (a PRV evaluation takes about a second).
  mutable std::optional<int64_t> prv_step_limit_;
  bool prv() const { return options_.accountant == "prv"; }
};

}  // namespace deepfin::models::detail
