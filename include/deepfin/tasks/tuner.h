#pragma once
// deepfin tune: a random search over the job's [tune] space, raced by successive
// halving over cross-validation folds, and scored by nested cross-validation, so
// that the score reported is measured on rows the search never saw.
//
// Successive halving (Jamieson & Talwalkar 2016; Li et al. 2018) with folds as the
// resource: every sampled configuration is scored on the first inner fold, the best
// 1/eta go on to eta times as many folds, and so on until the survivors have been
// scored on every fold; the best mean wins.
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/tasks/progress.h"
#include "deepfin/tasks/search_space.h"

namespace deepfin::tasks {

struct TuneTrial {
  int search = 0;  // 0: the final search on every row; k >= 1: the search inside outer fold k
  int id = 0;      // 1-based within its search
  nlohmann::json values = nlohmann::json::object();
  std::vector<double> fold_scores{};  // the inner folds it was scored on, in order
  double mean = 0;                    // of fold_scores
  bool complete = false;              // scored on every inner fold
};

using Deadline = std::chrono::steady_clock::time_point;

// Samples `trials` configurations (from `seed`) and races them. score(values, fold) returns
// the metric (higher is better) of one configuration on one inner fold. No new configuration
// starts after `deadline` (the first always does); those started finish their rung. Returns
// every trial; the best is the complete trial with the highest mean (first on ties).
std::vector<TuneTrial> successive_halving(const SearchSpace& space, int trials, int folds, int eta, uint64_t seed,
                                          Deadline deadline,
                                          const std::function<double(const nlohmann::json&, int)>& score);
const TuneTrial& best_trial(const std::vector<TuneTrial>& trials);

struct TuneOptions {
  double budget_seconds = 0;  // the whole run's wall-clock budget; 0: none
  int trials = -1;            // overrides [tune] trials when >= 1
  uint64_t seed = 42;
};

struct TuneResult {
  std::string metric;
  std::vector<TuneTrial> trials;          // every search's, search by search
  std::vector<double> nested_scores;      // per outer fold: the chosen configuration, fitted on the other folds
  std::vector<double> as_written_scores;  // per outer fold: the job as written, on the same folds
  std::string baseline;                   // series: "random walk" or the EWMA; empty otherwise
  std::vector<double> baseline_scores;    // per outer fold: the baseline, on the same folds
  nlohmann::json best_values;             // the final search's choice
  nlohmann::json best_job;                // the job with them
  double best_inner_score = 0;            // its inner CV mean (optimistic: it was chosen on it)
  bool budget_ran_out = false;            // some search stopped sampling at its deadline
  // 1-based (0: in no outer test fold), per row: a row of the table or a training text in file
  // order, or for series a point from the first one a window can forecast (see row_names).
  std::vector<int> outer_fold_of_row{};
  std::vector<std::string> row_names{};  // series jobs: each row's date; empty otherwise
  // Mean over the outer folds of test rows / training rows: Nadeau & Bengio's correction for
  // the training rows the folds share (1 / (K - 1) for K-fold; larger for walk-forward).
  double test_train_ratio = 0;
};

// Tunes a credit (csv or arff), text or series job given as job JSON (job_file_json). Credit
// jobs fold the rows of their table and score a credit metric ("auc" by default); text jobs
// fold their training texts (never the test file) and score "accuracy" (default) or
// "macro_f1". Series jobs use the points before the test span (never the test span) in
// walk-forward folds: the span is cut into k + 1 blocks in time, and fold i trains on the
// blocks before block i + 1 (less horizon - 1 points, so no training target lies past the
// first forecast's origin) and scores block i + 1. They score "neg_rmse" (default),
// "neg_mape" or "directional_accuracy" of the price forecasts, or with a variance target
// "neg_qlike" (default) or "neg_mse"; losses are negated so that higher is better.
// ConfigError for another kind of job, a space path the job lacks, a configuration the job
// file would refuse, or an unknown metric (naming the ones there are).
TuneResult tune_job(const nlohmann::json& job, const std::string& name, const TuneOptions& options,
                    const Progress& progress = {});

// The result as people read it: the nested score (mean ± std over the outer folds) of the
// tuned recipe beside the job as written on the same folds, and the chosen values.
std::string tune_summary(const TuneResult& result);
// In `dir` (created): tuned.toml (the job with the chosen values), trials.csv (every trial of
// every search: search, id, values, fold scores, mean, complete), folds.csv (row, outer fold,
// and for series the row's date: so that other models can be scored on the same folds) and
// tune.md; each atomic.
void write_tune_outputs(const TuneResult& result, const std::string& dir);

// "20m", "90s", "1.5h" or plain seconds; ConfigError otherwise or if not positive.
double parse_budget(const std::string& text);

}  // namespace deepfin::tasks
