// Random configurations raced over cross-validation folds.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "deepfin/base/error.h"
#include "deepfin/tasks/tuner.h"

namespace deepfin::tasks {

std::vector<TuneTrial> successive_halving(const SearchSpace& space, int trials, int folds, int eta, uint64_t seed,
                                          Deadline deadline,
                                          const std::function<double(const nlohmann::json&, int)>& score) {
  if (trials < 1 || folds < 1 || eta < 2)
    throw ValueError(fmt::format("successive_halving: needs trials >= 1, folds >= 1, eta >= 2 (got {}, {}, {})", trials,
                                 folds, eta));
  std::mt19937_64 rng(seed);
  std::vector<TuneTrial> all;
  for (int i = 0; i < trials; ++i) all.push_back({.id = i + 1, .values = sample_values(space, rng)});

  auto score_up_to = [&](TuneTrial& t, int budget) {
    for (int fold = static_cast<int>(t.fold_scores.size()); fold < budget; ++fold)
      t.fold_scores.push_back(score(t.values, fold));
    t.mean =
        std::accumulate(t.fold_scores.begin(), t.fold_scores.end(), 0.0) / static_cast<double>(t.fold_scores.size());
    t.complete = static_cast<int>(t.fold_scores.size()) == folds;
  };
  // Rung 0: one fold each, while there is time.
  std::vector<size_t> alive;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && std::chrono::steady_clock::now() > deadline) break;
    score_up_to(all[i], 1);
    alive.push_back(i);
  }
  for (int budget = 1; budget < folds;) {
    // The best 1/eta (at least one) go on; a NaN score ranks last.
    std::stable_sort(alive.begin(), alive.end(), [&](size_t a, size_t b) {
      const double x = all[a].mean, y = all[b].mean;
      return std::isnan(y) ? !std::isnan(x) : x > y;
    });
    alive.resize(std::max<size_t>(1, alive.size() / static_cast<size_t>(eta)));
    budget = std::min(folds, budget * eta);
    for (size_t i : alive) score_up_to(all[i], budget);
  }
  return all;
}

const TuneTrial& best_trial(const std::vector<TuneTrial>& trials) {
  const TuneTrial* best = nullptr;
  for (const TuneTrial& t : trials)
    if (t.complete && !std::isnan(t.mean) && (!best || t.mean > best->mean)) best = &t;
  if (!best)
    throw ValueError(
        "tune: no configuration was scored on every fold (every score was NaN: each fit diverged, or in a series "
        "job each window was longer than a fold's span)");
  return *best;
}

double parse_budget(const std::string& text) {
  double value = 0, unit = 1;
  size_t used = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string suffix = text.substr(used);
  if (used == 0 || !(suffix.empty() || suffix == "s" || suffix == "m" || suffix == "h") || !(value > 0) ||
      !std::isfinite(value))
    throw ConfigError(fmt::format("--budget: expected a positive duration such as 20m, 90s or 1.5h, got '{}'", text));
  if (suffix == "m") unit = 60;
  if (suffix == "h") unit = 3600;
  return value * unit;
}

}  // namespace deepfin::tasks
