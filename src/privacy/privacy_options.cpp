#include "deepfin/privacy/privacy_options.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/privacy/rdp_accountant.h"

namespace deepfin::privacy {

void check_options(const PrivacyOptions& o) {
  const char* what = "privacy";
  if (!o.epsilon && !o.noise_multiplier)
    throw ValueError("privacy: give epsilon (the budget to train within) or noise_multiplier (or both)");
  if (o.epsilon) check_epsilon(*o.epsilon, what);
  if (o.noise_multiplier) check_noise_multiplier(*o.noise_multiplier, what);
  if (o.delta != 0.0) check_delta(o.delta, what);
  if (!(o.max_grad_norm > 0.0) || !std::isfinite(o.max_grad_norm))
    throw ValueError(fmt::format("privacy: max_grad_norm must be a positive number, got {}", o.max_grad_norm));
  if (o.accountant != "rdp" && o.accountant != "prv")
    throw ValueError(fmt::format("privacy: accountant '{}' is unknown (known: rdp, prv)", o.accountant));
}

double delta_for(const PrivacyOptions& options, int64_t n, std::string* warning) {
  if (n < 1) throw ValueError(fmt::format("privacy: training needs at least one example, got {}", n));
  const double inverse_n = 1.0 / static_cast<double>(n);
  if (options.delta == 0.0) return std::min(1e-5, std::pow(inverse_n, 1.1));
  if (warning && options.delta >= inverse_n)
    *warning = fmt::format(
        "privacy: delta = {} is not below 1/n = {:.3g} for {} training examples: a mechanism that publishes one "
        "whole record with probability delta meets such a bound. Use delta < 1/n",
        options.delta, inverse_n, n);
  return options.delta;
}

const char* sampling_name(Sampling s) {
  return s == Sampling::poisson ? "poisson" : "shuffle";
}
const char* clipping_name(Clipping c) {
  return c == Clipping::flat ? "flat" : "per_layer";
}

Sampling sampling_from_name(const std::string& name, const char* what) {
  if (name == "poisson") return Sampling::poisson;
  if (name == "shuffle") return Sampling::shuffle;
  throw ValueError(fmt::format("{}: sampling '{}' is unknown (known: poisson, shuffle)", what, name));
}

Clipping clipping_from_name(const std::string& name, const char* what) {
  if (name == "flat") return Clipping::flat;
  if (name == "per_layer") return Clipping::per_layer;
  throw ValueError(fmt::format("{}: clipping '{}' is unknown (known: flat, per_layer)", what, name));
}

nlohmann::json to_json(const Guarantee& g) {
  nlohmann::json phases = nlohmann::json::array();
  for (const Phase& p : g.phases) phases.push_back({p.sample_rate, p.noise_multiplier, p.steps});
  return {{"phases", phases},
          {"epsilon", g.epsilon},
          {"delta", g.delta},
          {"noise_multiplier", g.noise_multiplier},
          {"sample_rate", g.sample_rate},
          {"steps", g.steps},
          {"max_grad_norm", g.max_grad_norm},
          {"accountant", g.accountant},
          {"sampling", sampling_name(g.sampling)},
          {"clipping", clipping_name(g.clipping)},
          {"secure_rng", g.secure_rng},
          {"examples", g.examples}};
}

Guarantee guarantee_from_json(const nlohmann::json& j) {
  const char* what = "privacy guarantee";
  if (!j.is_object()) throw ValueError(fmt::format("{}: expected an object, got {}", what, j.dump()));
  auto need = [&](const char* key) -> const nlohmann::json& {
    if (!j.contains(key)) throw ValueError(fmt::format("{}: the key '{}' is missing", what, key));
    return j.at(key);
  };
  try {
    Guarantee g;
    g.epsilon = need("epsilon").get<double>();
    g.delta = need("delta").get<double>();
    g.noise_multiplier = need("noise_multiplier").get<double>();
    g.sample_rate = need("sample_rate").get<double>();
    g.steps = need("steps").get<int64_t>();
    g.max_grad_norm = need("max_grad_norm").get<double>();
    g.accountant = need("accountant").get<std::string>();
    g.sampling = sampling_from_name(need("sampling").get<std::string>(), what);
    g.clipping = clipping_from_name(need("clipping").get<std::string>(), what);
    g.secure_rng = need("secure_rng").get<bool>();
    g.examples = need("examples").get<int64_t>();
    for (const auto& p : need("phases")) {
      if (!p.is_array() || p.size() != 3)
        throw ValueError(
            fmt::format("{}: each phase must be [sample_rate, noise_multiplier, steps], got {}", what, p.dump()));
      g.phases.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<int64_t>()});
    }
    return g;
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(fmt::format("{}: a field has the wrong type ({})", what, e.what()));
  }
}

std::string describe(const Guarantee& g) {
  std::string text = fmt::format(
      "(epsilon = {:.4g}, delta = {:.3g})-differentially private: DP-SGD, noise multiplier {:.4g}, clipping norm "
      "{:.4g} ({}), sampling rate {:.4g} ({}), {} steps over {} examples, {} accountant, {} noise",
      g.epsilon, g.delta, g.noise_multiplier, g.max_grad_norm, clipping_name(g.clipping), g.sample_rate,
      sampling_name(g.sampling), g.steps, g.examples, g.accountant, g.secure_rng ? "CSPRNG (OpenSSL)" : "seeded");
  if (g.phases.size() > 1) text += fmt::format(", composed over {} phases of training", g.phases.size());
  if (g.sampling == Sampling::shuffle)
    text += "; batches were shuffled, not Poisson-sampled, so the epsilon does not hold as stated";
  return text;
}

}  // namespace deepfin::privacy
