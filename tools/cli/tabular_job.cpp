#include "tabular_job.h"

#include <fmt/format.h>

#include "deepfin/core/error.h"
#include "deepfin/core/random.h"
#include "deepfin/data/tabular/arff.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/metrics/credit/credit.h"
#include "deepfin/nn/layers/categorical_embedding.h"
#include "fit_options.h"
#include "model_builder.h"

namespace deepfin::cli {
namespace {

// A Sequential model from the job, with a CategoricalEmbedding layer put first
// when categorical columns are embedded.
std::shared_ptr<models::Sequential> build_model(const JobSpec& job, const data::TabularPreprocessor& pre) {
  auto model = std::dynamic_pointer_cast<models::Sequential>(model_from_json(job.model));
  if (!model) throw ConfigError(fmt::format("{}: tabular jobs need a Sequential model", job.file.string()));
  if (pre.options().categorical == data::CategoricalEncoding::embedding) {
    std::vector<nn::CategoricalSlot> slots;
    for (const auto& s : pre.embedding_slots())
      slots.push_back({.feature = s.feature, .cardinality = s.cardinality, .output_dim = 0});
    if (!slots.empty()) {
      std::vector<std::shared_ptr<nn::Layer>> layers = {layers::CategoricalEmbedding(slots)};
      for (const auto& layer : model->layers()) layers.push_back(layer);
      model = std::make_shared<models::Sequential>(layers, model->name());
    }
  }
  return model;
}

// [fit] for a tabular job: "balanced" class weights become numbers, and the
// validation data is the stratified part fit_tabular held out.
nlohmann::json tabular_fit_json(const JobSpec& job, const std::vector<int64_t>& classes, bool has_validation,
                                int verbose) {
  nlohmann::json fit = job.fit;
  fit.erase("validation_split");
  fit["validation"] = has_validation ? "test" : "none";
  if (verbose >= 0) fit["verbose"] = verbose;
  if (fit.contains("class_weight") && fit.at("class_weight").is_string()) {
    if (fit.at("class_weight") != "balanced")
      throw ConfigError(fmt::format("{}: [fit] class_weight must be \"balanced\" or a table of class weights, got {}",
                                    job.file.string(), fit.at("class_weight").dump()));
    // scikit-learn's rule: n_samples / (n_classes * n_c).
    double count[2] = {0, 0};
    for (int64_t c : classes) count[c] += 1;
    const double n = count[0] + count[1];
    fit["class_weight"] = {{"0", n / (2 * count[0])}, {"1", n / (2 * count[1])}};
  }
  return fit;
}

}  // namespace

data::CsvOptions job_csv_options(const DataSpec& spec) {
  data::CsvOptions options;
  options.delimiter = spec.delimiter.at(0);
  options.missing_values = spec.missing_values;
  options.encoding = spec.encoding;
  return options;
}

data::Table read_job_table(const DataSpec& spec) {
  if (spec.source == "arff") return data::read_arff(spec.path);
  return data::read_csv(spec.path, job_csv_options(spec));
}

data::PreprocessOptions preprocess_options(const JobSpec& job) {
  data::PreprocessOptions o;
  o.target = job.data.target;
  o.positive_label = job.data.positive_label;
  o.drop = job.data.drop;
  o.keep = job.data.keep;
  for (const auto& [column, kind] : job.data.kinds) o.kinds[column] = data::column_kind_from_string(kind);
  o.categorical = data::categorical_encoding_from_string(job.preprocess.categorical);
  o.imputation = data::numeric_imputation_from_string(job.preprocess.imputation);
  o.missing_indicators = job.preprocess.missing_indicators;
  return o;
}

std::vector<int64_t> job_classes(const JobSpec& job, const data::Table& table) {
  const data::TableColumn& target = table.columns.at(table.column_index(job.data.target));
  std::vector<int64_t> classes(table.num_rows());
  int64_t positives = 0;
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    if (!target.values[r])
      throw ConfigError(fmt::format("{}: the target '{}' is missing", table.where(r), job.data.target));
    classes[r] = *target.values[r] == job.data.positive_label ? 1 : 0;
    positives += classes[r];
  }
  if (positives == 0)
    throw ConfigError(fmt::format("{}: the positive label '{}' never occurs in column '{}'", table.source,
                                  job.data.positive_label, job.data.target));
  if (positives == table.num_rows())
    throw ConfigError(fmt::format("{}: column '{}' has one class only: every row is '{}'", table.source,
                                  job.data.target, job.data.positive_label));
  return classes;
}

std::vector<int> to_int_labels(const std::vector<int64_t>& classes) {
  return {classes.begin(), classes.end()};
}

TabularFit fit_tabular(const JobSpec& job, const data::Table& train, uint64_t seed, int verbose) {
  const std::vector<int64_t> classes = job_classes(job, train);
  const double validation_split = job.fit.value("validation_split", 0.0);
  data::Table fit_rows = train, validation_rows;
  if (validation_split > 0.0) {
    const data::FoldIndices parts = data::stratified_split(classes, validation_split, seed + 7);
    fit_rows = train.select_rows(parts.train);
    validation_rows = train.select_rows(parts.test);
  }
  const bool has_validation = validation_rows.num_rows() > 0;
  auto pre = data::TabularPreprocessor::fit(fit_rows, preprocess_options(job));
  auto model = build_model(job, pre);
  model->compile(compile_options_from_json(job.compile));
  const Tensor x = pre.transform(fit_rows), y = pre.target(fit_rows);
  if (!model->built()) model->build(Shape{x.size(1)});

  data::Dataset d;
  d.x_train = x;
  d.y_train = y;
  if (has_validation) {
    d.x_test = pre.transform(validation_rows);
    d.y_test = pre.target(validation_rows);
  }
  const nlohmann::json fit_json = tabular_fit_json(job, job_classes(job, fit_rows), has_validation, verbose);
  models::FitOptions fit = fit_options_from_json(fit_json, d, job.output.history_csv);
  train::History history = model->fit(x, y, fit);

  tabular::TabularModel trained(std::move(pre), model);
  trained.set_csv_options(job_csv_options(job.data));
  trained.set_baseline_from(fit_rows);
  trained.set_scorecard({.base_score = job.decision.base_score,
                         .base_odds = job.decision.base_odds,
                         .points_to_double_odds = job.decision.points_to_double_odds});
  if (job.decision.calibration != "none") {
    if (!has_validation)
      throw ConfigError(
          fmt::format("{}: [decision] calibration = \"{}\" is fitted on held-out rows: set [fit] "
                      "validation_split",
                      job.file.string(), job.decision.calibration));
    trained.calibrate(validation_rows, job.decision.calibration);
  }
  const metrics::CostMatrix costs = job_costs(job);
  if (job.decision.threshold) {
    trained.set_threshold(*job.decision.threshold);
  } else if (has_validation) {
    // The threshold that minimizes the expected cost on rows the model did not fit.
    const std::vector<double> p = trained.predict_proba(validation_rows);
    const auto best = metrics::min_cost_threshold(p, to_int_labels(job_classes(job, validation_rows)), costs);
    trained.set_threshold(std::clamp(best.threshold, 1e-6, 1.0 - 1e-6));
  } else {
    // No held-out rows to choose on: the Bayes threshold FP / (FP + FN), right for calibrated probabilities.
    trained.set_threshold(metrics::bayes_threshold(costs));
  }
  return {std::move(trained), std::move(history)};
}

std::map<std::string, double> credit_metrics(const std::vector<double>& p, const std::vector<int>& labels,
                                             double threshold, const metrics::CostMatrix& costs) {
  const metrics::ConfusionAt at = metrics::confusion_at(p, labels, threshold);
  const double cost =
      costs.false_negative * static_cast<double>(at.fn) + costs.false_positive * static_cast<double>(at.fp);
  return {{"auc", metrics::roc_auc(p, labels)},
          {"gini", metrics::gini(p, labels)},
          {"ks", metrics::ks_statistic(p, labels).statistic},
          {"pr_auc", metrics::pr_auc(p, labels)},
          {"log_loss", metrics::log_loss(p, labels)},
          {"brier", metrics::brier_score(p, labels)},
          {"accuracy@0.5", metrics::confusion_at(p, labels, 0.5).accuracy()},
          {"accuracy@threshold", at.accuracy()},
          {"mean_cost", cost / static_cast<double>(p.size())}};
}

metrics::CostMatrix job_costs(const JobSpec& job) {
  return {.false_negative = job.decision.cost_false_negative, .false_positive = job.decision.cost_false_positive};
}

}  // namespace deepfin::cli
