#include "models/private_training.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "deepfin/base/error.h"
#include "deepfin/privacy/prv_accountant.h"

namespace deepfin::models::detail {

PrivateTraining::PrivateTraining(const privacy::PrivacyOptions& options, int64_t n, int64_t batch_size, int epochs,
                                 const std::vector<privacy::Phase>& before)
    : options_(options), n_(n), batch_size_(batch_size), noise_(options.secure_rng, options.seed) {
  for (const privacy::Phase& p : before) accountant_.step(p.sample_rate, p.noise_multiplier, p.steps);
  privacy::check_options(options_);
  if (n < 1) throw ValueError("fit (privacy): no training examples");
  sample_rate_ = std::min(1.0, static_cast<double>(batch_size) / static_cast<double>(n));
  steps_per_epoch_ = std::max<int64_t>(1, static_cast<int64_t>(std::llround(1.0 / sample_rate_)));
  std::string warning;
  delta_ = privacy::delta_for(options_, n, &warning);
  if (!warning.empty()) warnings_.push_back(warning);
  if (options_.sampling == privacy::Sampling::shuffle)
    warnings_.push_back(
        "privacy: sampling = \"shuffle\" draws fixed-size shuffled batches, but the accountant assumes Poisson "
        "sampling: the epsilon reported does not hold as stated");
  planned_steps_ = steps_per_epoch_ * std::max(epochs, 1);
  if (options_.noise_multiplier) {
    sigma_ = *options_.noise_multiplier;
  } else {
    if (!before.empty())
      throw ValueError(
          "fit (privacy): this model was trained privately before; to go on within an epsilon budget give "
          "noise_multiplier as well, and training stops before the budget, counting what was spent, would be "
          "exceeded");
    sigma_ = prv() ? privacy::prv_noise_multiplier_for_epsilon(*options_.epsilon, sample_rate_, planned_steps_, delta_)
                   : privacy::noise_multiplier_for_epsilon(*options_.epsilon, sample_rate_, planned_steps_, delta_);
  }
}

std::string PrivateTraining::describe_plan() const {
  return fmt::format(
      "privacy: DP-SGD with noise multiplier {:.4g}, clipping norm {:.4g} ({}), sampling rate {:.4g} ({}), {} steps "
      "per epoch, delta {:.3g}, noise from {}",
      sigma_, options_.max_grad_norm, privacy::clipping_name(options_.clipping), sample_rate_,
      privacy::sampling_name(options_.sampling), steps_per_epoch_, delta_,
      noise_.secure() ? "OpenSSL's CSPRNG" : fmt::format("a generator seeded with {}", options_.seed));
}

std::vector<int64_t> PrivateTraining::next_batch(int64_t step_in_epoch) {
  if (options_.sampling == privacy::Sampling::poisson) return noise_.poisson_sample(n_, sample_rate_);
  if (step_in_epoch == 0 || order_.empty()) {
    // Fisher-Yates from the same source as the noise.
    order_.resize(static_cast<size_t>(n_));
    std::iota(order_.begin(), order_.end(), 0);
    for (int64_t i = n_ - 1; i > 0; --i) {
      const auto j = static_cast<int64_t>(noise_.uniform01() * static_cast<double>(i + 1));
      std::swap(order_[static_cast<size_t>(i)], order_[static_cast<size_t>(std::min(j, i))]);
    }
  }
  const int64_t begin = (step_in_epoch * batch_size_) % n_;
  const int64_t end = std::min(n_, begin + batch_size_);
  return {order_.begin() + begin, order_.begin() + end};
}

void PrivateTraining::resume_after(int64_t steps) {
  for (int64_t i = 0; i < steps; ++i) account_step();
  if (!noise_.secure())
    noise_ = privacy::NoiseSource(false, options_.seed ^ (0xD1B54A32D192ED03ull * static_cast<uint64_t>(steps + 1)));
}

void PrivateTraining::skip_to(int64_t /*step_in_epoch*/) {
  order_.clear();  // next_batch draws a new permutation (Poisson batches need nothing)
}

bool PrivateTraining::step_allowed() const {
  if (!options_.epsilon || !options_.noise_multiplier) return true;  // the noise was solved for the plan
  if (!prv()) return accountant_.epsilon_after(sample_rate_, sigma_, 1, delta_).epsilon <= *options_.epsilon;
  if (!prv_step_limit_) {
    // The most further steps within the budget, by bisection over this fit's plan.
    const std::vector<privacy::Phase> before = accountant_.history();
    auto fits = [&](int64_t more) {
      std::vector<privacy::Phase> phases = before;
      phases.push_back({sample_rate_, sigma_, more});
      return privacy::prv_epsilon(phases, delta_).epsilon <= *options_.epsilon;
    };
    int64_t low = 0, high = planned_steps_;
    if (fits(high)) {
      low = high;
    } else {
      while (high - low > 1) {
        const int64_t mid = (low + high) / 2;
        (fits(mid) ? low : high) = mid;
      }
    }
    prv_step_limit_ = accountant_.steps() + low;
  }
  return accountant_.steps() < *prv_step_limit_;
}

void PrivateTraining::account_step() {
  accountant_.step(sample_rate_, sigma_, 1);
}

double PrivateTraining::epsilon_spent() const {
  if (accountant_.steps() == 0) return 0.0;
  return prv() ? privacy::prv_epsilon(accountant_.history(), delta_).epsilon : accountant_.epsilon(delta_).epsilon;
}

double PrivateTraining::normalizer(int64_t batch) const {
  if (options_.sampling == privacy::Sampling::poisson) return sample_rate_ * static_cast<double>(n_);
  return static_cast<double>(std::max<int64_t>(batch, 1));
}

privacy::Guarantee PrivateTraining::guarantee() const {
  privacy::Guarantee g;
  g.epsilon = epsilon_spent();
  g.delta = delta_;
  g.noise_multiplier = sigma_;
  g.sample_rate = sample_rate_;
  g.steps = accountant_.steps();
  g.max_grad_norm = options_.max_grad_norm;
  g.accountant = options_.accountant;
  g.sampling = options_.sampling;
  g.clipping = options_.clipping;
  g.secure_rng = options_.secure_rng;
  g.examples = n_;
  g.phases = accountant_.history();
  return g;
}

}  // namespace deepfin::models::detail
