#pragma once
// The tabular (credit) path of a job file: read the CSV/ARFF table, fit the
// preprocessing and the model on a training part, pick the decision threshold,
// and score held-out rows with the credit metrics. `train`, `cv` and `report`
// all go through here, so they fit models the same way.
#include <map>
#include <string>
#include <vector>

#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "deepfin/data/tabular/table.h"
#include "deepfin/metrics/credit/decision.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/train/callback.h"
#include "job_file.h"
#include "run_context.h"

namespace deepfin::cli {

// The whole table a job names (csv or arff), read with its options.
// The job's [data] cell-reading settings (delimiter, encoding, missing-value markers).
data::CsvOptions job_csv_options(const DataSpec& spec);
data::Table read_job_table(const DataSpec& spec);
data::PreprocessOptions preprocess_options(const JobSpec& job);
// 0/1 class of every row (1 = positive label); ConfigError (naming the line) for a missing target.
std::vector<int64_t> job_classes(const JobSpec& job, const data::Table& table);

struct TabularFit {
  tabular::TabularModel model;
  train::History history;
};

// Fits preprocessing and model on `train` only. A stratified validation part is
// held out of `train` when [fit] sets validation_split (early stopping watches
// it); the cost-minimizing threshold is chosen on it (or on `train` without one)
// unless [decision] fixes the threshold. verbose overrides [fit] verbose if >= 0.
TabularFit fit_tabular(const JobSpec& job, const data::Table& train, uint64_t seed, int verbose);

// Held-out quality of positive-class probabilities: auc, gini, ks, pr_auc,
// log_loss, brier, accuracy@0.5, and at the decision threshold accuracy@threshold
// and mean_cost (expected cost per applicant under the job's cost matrix).
std::map<std::string, double> credit_metrics(const std::vector<double>& probabilities, const std::vector<int>& labels,
                                             double threshold, const metrics::CostMatrix& costs);
metrics::CostMatrix job_costs(const JobSpec& job);
std::vector<int> to_int_labels(const std::vector<int64_t>& classes);

}  // namespace deepfin::cli
