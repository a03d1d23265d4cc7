#pragma once
// Subcommand bodies for tabular (csv / arff) jobs and models.
#include <map>
#include <string>
#include <vector>

#include "deepfin/data/tabular/table.h"
#include "deepfin/tabular/tabular_model.h"
#include "job_file.h"
#include "run_context.h"

namespace deepfin::cli {

// deepfin train on a csv/arff job: stratified train/test split, fit, held-out credit metrics, save.
int run_train_tabular(const RunContext& ctx, const JobSpec& job, uint64_t seed);
// id,line,probability,decision,points for every row; to `path` (atomic) or stdout when empty.
void write_scores_csv(const tabular::TabularModel& model, const data::Table& rows, const std::vector<double>& p,
                      const std::string& path);
// Stratified k-fold CV of a tabular job: per-fold credit metrics, and their mean and sample std.
struct CvResult {
  std::vector<std::map<std::string, double>> folds;
  std::map<std::string, std::pair<double, double>> mean_std;
};
CvResult cross_validate(const RunContext& ctx, const JobSpec& job, int folds, uint64_t seed);
// "metric  value   floor" lines for a job's held-out metrics.
std::string format_metrics_table(const std::map<std::string, double>& metrics, const nlohmann::json& floors);

}  // namespace deepfin::cli
