// Nested cross-validation of a tuned recipe: in each outer fold the search runs on the
// other folds only, and its choice is scored on the fold it never saw. The task kind
// (credit, text or series) supplies the rows, their folds and the score (job_tuning.h).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "deepfin/base/error.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/tuner.h"
#include "tasks/tune/job_tuning.h"

namespace deepfin::tasks {
namespace {

std::unique_ptr<detail::JobTuning> tuning_for(const nlohmann::json& job, const std::string& name) {
  const JobSpec spec = parse_job_json(job, name);
  if (spec.data.tabular()) return detail::credit_tuning(job, name);
  if (spec.data.text()) return detail::text_tuning(job, name);
  if (spec.data.series()) return detail::forecast_tuning(job, name);
  throw ConfigError(fmt::format(
      "{}: deepfin tune works on credit (csv or arff), text and series jobs; this job's data source is \"{}\"", name,
      spec.data.source));
}

// The search on rows `rows`: inner folds within them.
std::vector<TuneTrial> search(const detail::JobTuning& tuning, const SearchSpace& space,
                              const std::vector<int64_t>& rows, int trials, uint64_t seed, Deadline deadline) {
  const TuneSpec& spec = tuning.base().tune;
  const std::vector<data::FoldIndices> inner = tuning.folds(rows, spec.folds, seed);
  return successive_halving(
      space, trials, spec.folds, spec.eta, seed, deadline, [&](const nlohmann::json& values, int fold) {
        return tuning.score(values, inner[fold].train, inner[fold].test, seed + static_cast<uint64_t>(fold));
      });
}

}  // namespace

TuneResult tune_job(const nlohmann::json& job, const std::string& name, const TuneOptions& options,
                    const Progress& progress) {
  const std::unique_ptr<detail::JobTuning> owned = tuning_for(job, name);
  const detail::JobTuning& tuning = *owned;
  const TuneSpec& spec = tuning.base().tune;
  const SearchSpace space = spec.space.empty() ? default_search_space(job) : search_space_from_json(spec.space, name);
  if (space.empty()) throw ConfigError(fmt::format("{}: [tune] has nothing to search", name));
  check_search_paths(space, job, name);
  const int trials = options.trials >= 1 ? options.trials : spec.trials;
  // Every configuration the space can produce must be one the job file accepts; try one now.
  std::mt19937_64 probe(options.seed);
  parse_job_json(with_values(job, sample_values(space, probe)), name);

  TuneResult result;
  result.metric = tuning.metric();
  const auto start = std::chrono::steady_clock::now();
  const int searches = spec.outer_folds + 1;
  auto deadline = [&](int search) {
    if (!(options.budget_seconds > 0)) return Deadline::max();
    return start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(options.budget_seconds * (search + 1) / searches));
  };
  auto record = [&](std::vector<TuneTrial> found, int search) {
    for (TuneTrial& t : found) {
      t.search = search;
      if (t.fold_scores.empty())
        result.budget_ran_out = true;
      else
        result.trials.push_back(std::move(t));
    }
  };

  std::vector<int64_t> every_row(tuning.num_rows());
  for (size_t i = 0; i < every_row.size(); ++i) every_row[i] = static_cast<int64_t>(i);
  const std::vector<data::FoldIndices> outer = tuning.folds(every_row, spec.outer_folds, options.seed);
  result.row_names = tuning.row_names();
  result.baseline = tuning.baseline_name();
  result.outer_fold_of_row.assign(tuning.num_rows(), 0);
  for (const data::FoldIndices& f : outer)
    result.test_train_ratio += static_cast<double>(f.test.size()) /
                               static_cast<double>(std::max<size_t>(1, f.train.size())) /
                               static_cast<double>(outer.size());
  for (size_t k = 0; k < outer.size(); ++k)
    for (int64_t row : outer[k].test) result.outer_fold_of_row[static_cast<size_t>(row)] = static_cast<int>(k + 1);
  for (int k = 0; k < spec.outer_folds; ++k) {
    const uint64_t seed = options.seed + 1000 * static_cast<uint64_t>(k + 1);
    std::vector<TuneTrial> found = search(tuning, space, outer[k].train, trials, seed, deadline(k));
    const TuneTrial best = best_trial(found);
    record(std::move(found), k + 1);
    result.nested_scores.push_back(tuning.score(best.values, outer[k].train, outer[k].test, seed));
    result.as_written_scores.push_back(tuning.score(nlohmann::json::object(), outer[k].train, outer[k].test, seed));
    if (!result.baseline.empty()) result.baseline_scores.push_back(tuning.baseline_score(outer[k].test));
    report_progress(progress,
                    fmt::format("outer fold {}/{}: tuned {} {:.4f}, as written {:.4f} (chosen on the other folds: {})",
                                k + 1, spec.outer_folds, result.metric, result.nested_scores.back(),
                                result.as_written_scores.back(), best.values.dump()),
                    {{"event", "outer_fold"},
                     {"fold", k + 1},
                     {"tuned", result.nested_scores.back()},
                     {"as_written", result.as_written_scores.back()},
                     {"values", best.values}});
  }
  std::vector<TuneTrial> final_search =
      search(tuning, space, every_row, trials, options.seed, deadline(spec.outer_folds));
  const TuneTrial best = best_trial(final_search);
  result.best_values = best.values;
  result.best_inner_score = best.mean;
  result.best_job = with_values(job, best.values);
  record(std::move(final_search), 0);
  return result;
}

}  // namespace deepfin::tasks
