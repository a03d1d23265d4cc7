// [privacy] of a job file: DP-SGD for whatever model the job trains.
#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "spec_parsers.h"

namespace deepfin::tasks {

privacy::PrivacyOptions parse_privacy_spec(const nlohmann::json& table, uint64_t seed, const std::string& file) {
  const char* where = "privacy";
  if (!table.is_object()) throw ConfigError(fmt::format("{}: [privacy] must be a table", file));
  config::check_keys(
      table,
      {"epsilon", "noise_multiplier", "delta", "max_grad_norm", "clipping", "sampling", "accountant", "secure_rng"},
      where, file);
  privacy::PrivacyOptions o;
  if (table.contains("epsilon")) o.epsilon = config::get_or<double>(table, "epsilon", 0.0, where, file);
  if (table.contains("noise_multiplier"))
    o.noise_multiplier = config::get_or<double>(table, "noise_multiplier", 0.0, where, file);
  o.delta = config::get_or<double>(table, "delta", o.delta, where, file);
  if (table.contains("delta") && o.delta == 0.0)
    throw ConfigError(
        fmt::format("{}: [privacy] delta must lie in (0, 1), got 0 (leave it out for min(1e-5, n^-1.1))", file));
  o.max_grad_norm = config::get_or<double>(table, "max_grad_norm", o.max_grad_norm, where, file);
  o.accountant = config::get_or<std::string>(table, "accountant", o.accountant, where, file);
  o.secure_rng = config::get_or<bool>(table, "secure_rng", o.secure_rng, where, file);
  o.seed = seed;
  try {
    o.clipping =
        privacy::clipping_from_name(config::get_or<std::string>(table, "clipping", "flat", where, file), "[privacy]");
    o.sampling = privacy::sampling_from_name(config::get_or<std::string>(table, "sampling", "poisson", where, file),
                                             "[privacy]");
    privacy::check_options(o);
  } catch (const ValueError& e) {
    throw ConfigError(fmt::format("{}: [privacy] {}", file, e.what()));
  }
  return o;
}

}  // namespace deepfin::tasks
