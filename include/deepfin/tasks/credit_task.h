#pragma once
// The credit (risk and loan assessment) task: a CSV or ARFF table of applicants
// in, a TabularModel out. It owns the recipe every front door shares: the
// stratified test split, preprocessing and model fitted on the training part
// only, a stratified validation part for early stopping, calibration and the
// cost-minimizing threshold, the held-out credit metrics, k-fold
// cross-validation and the Markdown report.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "deepfin/data/tabular/table.h"
#include "deepfin/metrics/credit/decision.h"
#include "deepfin/report/credit_report.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/tasks/credit_fairness.h"
#include "deepfin/tasks/fold_summary.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/tasks/progress.h"
#include "deepfin/train/callback.h"

namespace deepfin::tasks {

struct CreditFit {
  tabular::TabularModel model;
  train::History history;
  std::vector<ProxyFlag> proxies;  // [fairness]: inputs that stand in for a protected attribute
  int chosen_epochs = 0;           // > 0: the epoch count the default early stopping chose (see fit)
};

// The job's table and its stratified train/test split.
struct CreditSplit {
  data::Table all, train, test;
  std::vector<int64_t> classes;  // of `all`, 1 = the positive (adverse) label
};

struct CreditCvResult {
  std::vector<std::map<std::string, double>> folds;  // credit metrics per fold
  std::map<std::string, MeanStd> summary;            // per metric
  std::vector<int64_t> epochs;                       // epochs trained per fold (early stopping may stop sooner)
  // [fairness]: per attribute, per group, per metric, the mean and std over the folds where the group
  // was measured and the metric defined, at each fold's model threshold (point estimates of each fold's
  // held-out part; ratios against that fold's most-favoured group).
  std::map<std::string, std::map<std::string, std::map<std::string, MeanStd>>> fairness;
};

struct CreditReportOptions {
  std::string dir;             // where report.md and its figures go
  int folds = 10;              // cross-validation folds for the metric spread; 0: none
  int64_t explain_rows = 200;  // held-out rows explained for the global attributions
};

class CreditTask {
 public:
  // ConfigError unless the job's data is a csv or arff table.
  explicit CreditTask(JobSpec job);
  // The same task on rows already in memory (a DataFrame from Python) instead of
  // the job's file; [data] target and positive_label still name the label.
  CreditTask(JobSpec job, data::Table table);
  const JobSpec& job() const { return job_; }

  // The whole table the job names, read with its [data] options (or the one given).
  data::Table read_table() const;
  // 0/1 class of every row (1 = positive label); ConfigError (naming the line) for a missing target.
  std::vector<int64_t> classes(const data::Table& table) const;
  // The table, split stratified into train and test ([data] test_split) with `seed`.
  CreditSplit split(uint64_t seed) const;

  // Fits preprocessing and model on `train` only. A stratified validation part is
  // held out of `train` when [fit] sets validation_split (early stopping watches
  // it); the cost-minimizing threshold is chosen on it (or on `train` without one)
  // unless [decision] fixes the threshold. Without a validation part, early stopping
  // on a held-out 20 % chooses the epoch count (at most [fit] epochs) and the model
  // is refitted on all of `train` for it, unless [fit] early_stopping = false, a
  // [privacy] table or validation = "none" says not to. verbose overrides [fit] verbose if >= 0.
  CreditFit fit(const data::Table& train, uint64_t seed, int verbose = -1) const;

  // Held-out credit metrics of `model` on labelled rows (see credit_metrics).
  std::map<std::string, double> evaluate(const tabular::TabularModel& model, const data::Table& rows) const;
  metrics::CostMatrix costs() const;
  // [fairness]: the group metrics of `model`'s decisions on labelled rows, per protected attribute,
  // with bootstrap intervals (seeded with `seed`); empty without [fairness].
  std::vector<AttributeFairness> fairness(const tabular::TabularModel& model, const data::Table& rows,
                                          uint64_t seed) const;

  // Stratified k-fold cross-validation; every fold fits its own preprocessing and
  // model on the other folds only, from seed + k.
  CreditCvResult cross_validate(int folds, uint64_t seed, const Progress& progress = {}) const;

  // Cross-validation (options.folds > 0), one fit on the train split, and the
  // report (data summary, metrics beside the floors, held-out ROC / KS /
  // calibration / score figures, PSI, global attributions) written to options.dir.
  // Returns the fitted model so that it can be saved.
  CreditFit write_report(const CreditReportOptions& options, uint64_t seed, const Progress& progress = {}) const;

 private:
  // One fit of `job` (this task's job, or a variant of its [fit]) on `train`.
  CreditFit fit_with(const JobSpec& job, const data::Table& train, uint64_t seed, int verbose) const;
  void set_reason_policy(tabular::TabularModel& model) const;
  // The report's fair-lending section: proxies, held-out group metrics, the folds' spread and,
  // under reweighing, the same recipe without it.
  // The model card document (report/model_card.h) of the model the report fitted.
  nlohmann::json model_card(const report::CreditReportData& data, const CreditFit& fitted,
                            const std::map<std::string, double>& held_out) const;
  report::FairnessReportData fairness_report(const CreditFit& fitted, const CreditSplit& split,
                                             const CreditCvResult* cv, uint64_t seed) const;
  JobSpec job_;
  std::optional<data::Table> table_;
};

// Held-out quality of positive-class probabilities: auc, gini, ks, pr_auc,
// log_loss, brier, accuracy@0.5, and at the decision threshold accuracy@threshold
// and mean_cost (expected cost per applicant under the cost matrix).
std::map<std::string, double> credit_metrics(const std::vector<double>& probabilities, const std::vector<int>& labels,
                                             double threshold, const metrics::CostMatrix& costs);

// "row,line,probability,decision,points" for every scored row, as CSV text.
std::string scores_csv(const tabular::TabularModel& model, const data::Table& rows, const std::vector<double>& p);

}  // namespace deepfin::tasks
