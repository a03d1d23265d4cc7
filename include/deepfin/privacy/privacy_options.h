#pragma once
// What DP-SGD is asked to do (PrivacyOptions), and what a finished run can
// promise (Guarantee), as a model file records it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/privacy/rdp_accountant.h"

namespace deepfin::privacy {

enum class Sampling {
  poisson,  // each example joins a step with probability q: the accountant's assumption
  shuffle,  // shuffled fixed-size batches: the reported epsilon does not hold as stated
};

enum class Clipping {
  flat,       // one norm over all of an example's gradient, at most max_grad_norm
  per_layer,  // each of L layers' parts at most max_grad_norm / sqrt(L), so the whole stays within it
};

struct PrivacyOptions {
  // Give epsilon (noise is then solved for), noise_multiplier, or both (training
  // then stops before the epsilon budget would be exceeded).
  std::optional<double> epsilon{};
  std::optional<double> noise_multiplier{};
  // 0: chosen from the training-set size n as min(1e-5, 1 / n^1.1).
  double delta = 0.0;
  double max_grad_norm = 1.0;
  Clipping clipping = Clipping::flat;
  Sampling sampling = Sampling::poisson;
  // "rdp" (Renyi DP, fast) or "prv" (privacy loss distributions composed by
  // FFT, Gopi et al. 2021: a smaller epsilon for the same noise, about a
  // second per evaluation).
  std::string accountant = "rdp";
  // Noise and sampling from OpenSSL's CSPRNG; false draws them from a generator
  // seeded with `seed`, for tests and reproducible research.
  bool secure_rng = true;
  uint64_t seed = 0;
};

// ValueError naming the setting for anything out of range (epsilon <= 0,
// noise_multiplier <= 0, delta outside (0, 1), max_grad_norm <= 0, neither
// epsilon nor noise_multiplier, an unknown accountant).
void check_options(const PrivacyOptions& options);

// The delta a run uses for n training examples, and a warning when a delta the
// user set is no smaller than 1/n (a mechanism that leaks one whole record
// with probability delta then satisfies the bound).
double delta_for(const PrivacyOptions& options, int64_t n, std::string* warning);

const char* sampling_name(Sampling s);
const char* clipping_name(Clipping c);
// ValueError naming `what` for an unknown name.
Sampling sampling_from_name(const std::string& name, const char* what);
Clipping clipping_from_name(const std::string& name, const char* what);

// The differential-privacy guarantee of a trained model.
struct Guarantee {
  double epsilon = 0.0;
  double delta = 0.0;
  double noise_multiplier = 0.0;
  double sample_rate = 0.0;
  int64_t steps = 0;
  double max_grad_norm = 0.0;
  std::string accountant = "rdp";
  Sampling sampling = Sampling::poisson;
  Clipping clipping = Clipping::flat;
  bool secure_rng = true;
  int64_t examples = 0;  // training-set size n
  // Every stretch of private training the weights went through, this one last:
  // a model trained privately again composes with what it spent before.
  std::vector<Phase> phases{};
};

nlohmann::json to_json(const Guarantee& g);
// ValueError naming the key when a field is missing or of the wrong type.
Guarantee guarantee_from_json(const nlohmann::json& j);
// One line for people: "(epsilon = 2.98, delta = 1e-05) ..."
std::string describe(const Guarantee& g);

}  // namespace deepfin::privacy
