// The credit task's data and fit: the table, its classes, the stratified splits,
// and one fit of preprocessing, model, calibration and threshold.
#include "deepfin/tasks/credit_task.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/arff.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/metrics/credit/credit.h"
#include "deepfin/nn/layers/categorical_embedding.h"
#include "deepfin/tasks/credit_fairness.h"
#include "deepfin/tasks/fit_setup.h"
#include "deepfin/tasks/model_factory.h"

namespace deepfin::tasks {
namespace {

data::CsvOptions csv_options(const DataSpec& spec) {
  data::CsvOptions options;
  options.delimiter = spec.delimiter.at(0);
  options.missing_values = spec.missing_values;
  options.encoding = spec.encoding;
  return options;
}

data::PreprocessOptions preprocess_options(const JobSpec& job) {
  data::PreprocessOptions o;
  o.target = job.data.target;
  o.positive_label = job.data.positive_label;
  o.drop = job.data.drop;
  // [fairness] use = "exclude": protected columns never reach the model; they stay in the rows to be measured.
  for (const auto& a : job.fairness.attributes)
    if (job.fairness.excluded(a.column) && std::find(o.drop.begin(), o.drop.end(), a.column) == o.drop.end())
      o.drop.push_back(a.column);
  o.keep = job.data.keep;
  for (const auto& [column, kind] : job.data.kinds) o.kinds[column] = data::column_kind_from_string(kind);
  o.categorical = data::categorical_encoding_from_string(job.preprocess.categorical);
  o.imputation = data::numeric_imputation_from_string(job.preprocess.imputation);
  o.missing_indicators = job.preprocess.missing_indicators;
  o.numeric_bins = job.preprocess.numeric_bins;
  o.scaling = data::numeric_scaling_from_string(job.preprocess.numeric_scaling);
  return o;
}

// The standardized numeric columns as the model's first layer written in the job sees
// them: after the CategoricalEmbedding put first in embedding mode, the columns that are
// not codes keep their order ahead of the embeddings.
std::vector<int64_t> numeric_model_columns(const data::TabularPreprocessor& pre) {
  const bool embedded = pre.options().categorical == data::CategoricalEncoding::embedding;
  std::vector<int64_t> columns;
  int64_t position = 0;
  for (const data::FeatureInfo& f : pre.features()) {
    if (embedded && f.role == data::FeatureInfo::Role::category_code) continue;
    if (f.role == data::FeatureInfo::Role::numeric) columns.push_back(position);
    ++position;
  }
  return columns;
}

// PeriodicEmbedding layers with features = "numeric" get the numeric columns' indices,
// which only the fitted preprocessor knows.
nlohmann::json resolve_numeric_features(nlohmann::json tree, const JobSpec& job, const data::TabularPreprocessor& pre) {
  if (!tree.contains("config") || !tree["config"].contains("layers") || !tree["config"]["layers"].is_array())
    return tree;
  for (nlohmann::json& layer : tree["config"]["layers"]) {
    if (layer.value("class_name", "") != "PeriodicEmbedding" || !layer.contains("config")) continue;
    nlohmann::json& config = layer["config"];
    if (!config.contains("features") || config["features"] != "numeric") continue;
    nlohmann::json& features = config["features"];
    const std::vector<int64_t> columns = numeric_model_columns(pre);
    if (columns.empty())
      throw ConfigError(fmt::format(
          "{}: PeriodicEmbedding features = \"numeric\", but the data has no numeric feature column to embed",
          job.file.string()));
    features = columns;
  }
  return tree;
}

// The job's Sequential model, with a CategoricalEmbedding layer put first when
// categorical columns are embedded.
std::shared_ptr<models::Sequential> build_model(const JobSpec& job, const data::TabularPreprocessor& pre) {
  auto model = sequential_from_json(resolve_numeric_features(job.model, job, pre), job, "tabular");
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

// The epoch (1-based) with the lowest validation loss; `ceiling` if none was logged.
int best_epoch_count(const train::History& history, int ceiling) {
  const auto it = history.history.find("val_loss");
  if (it == history.history.end() || it->second.empty()) return ceiling;
  const std::vector<double>& losses = it->second;
  return static_cast<int>(std::min_element(losses.begin(), losses.end()) - losses.begin()) + 1;
}

std::vector<int> to_int_labels(const std::vector<int64_t>& classes) {
  return {classes.begin(), classes.end()};
}

}  // namespace

CreditTask::CreditTask(JobSpec job) : job_(std::move(job)) {
  if (!job_.data.tabular())
    throw ConfigError(fmt::format("{}: the credit task works on csv and arff data (source is \"{}\")",
                                  job_.file.string(), job_.data.source));
}

CreditTask::CreditTask(JobSpec job, data::Table table) : CreditTask(std::move(job)) {
  table_ = std::move(table);
}

data::Table CreditTask::read_table() const {
  if (table_) return *table_;
  if (job_.data.source == "arff") return data::read_arff(job_.data.path);
  return data::read_csv(job_.data.path, csv_options(job_.data));
}

std::vector<int64_t> CreditTask::classes(const data::Table& table) const {
  const data::TableColumn& target = table.columns.at(table.column_index(job_.data.target));
  std::vector<int64_t> classes(table.num_rows());
  int64_t positives = 0;
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    if (!target.values[r])
      throw ConfigError(fmt::format("{}: the target '{}' is missing", table.where(r), job_.data.target));
    classes[r] = *target.values[r] == job_.data.positive_label ? 1 : 0;
    positives += classes[r];
  }
  if (positives == 0)
    throw ConfigError(fmt::format("{}: the positive label '{}' never occurs in column '{}'", table.source,
                                  job_.data.positive_label, job_.data.target));
  if (positives == table.num_rows())
    throw ConfigError(fmt::format("{}: column '{}' has one class only: every row is '{}'", table.source,
                                  job_.data.target, job_.data.positive_label));
  return classes;
}

CreditSplit CreditTask::split(uint64_t seed) const {
  CreditSplit s;
  s.all = read_table();
  s.classes = classes(s.all);
  const data::FoldIndices parts = data::stratified_split(s.classes, job_.data.test_split, seed);
  s.train = s.all.select_rows(parts.train);
  s.test = s.all.select_rows(parts.test);
  return s;
}

metrics::CostMatrix CreditTask::costs() const {
  return {.false_negative = job_.decision.cost_false_negative, .false_positive = job_.decision.cost_false_positive};
}

// Without a validation part, and unless [fit] says otherwise, the number of epochs is
// chosen by early stopping: a stratified 20 % of `train` is held out, training stops
// when its loss has not improved for 10 epochs ([fit] epochs is the ceiling), and the
// model is then refitted on every row of `train` for the best epoch count, so no row
// is lost to validation. Not under [privacy]: the accountant covers one training run.
CreditFit CreditTask::fit(const data::Table& train, uint64_t seed, int verbose) const {
  const FitSpec& f = job_.fit;
  const bool choose_epochs = f.validation_split == 0.0 && f.validation != FitSpec::Validation::none &&
                             !f.early_stopping && !f.early_stopping_off && !f.privacy && f.epochs > 1;
  if (!choose_epochs) return fit_with(job_, train, seed, verbose);
  JobSpec probe = job_;
  probe.fit.validation_split = 0.2;
  probe.fit.early_stopping = train::EarlyStoppingOptions{.patience = 10};
  probe.fit.checkpoint.reset();
  probe.output.history_csv.clear();
  const CreditFit probed = fit_with(probe, train, seed, 0);
  JobSpec refit = job_;
  refit.fit.epochs = best_epoch_count(probed.history, job_.fit.epochs);
  CreditFit fitted = fit_with(refit, train, seed, verbose);
  fitted.chosen_epochs = refit.fit.epochs;
  return fitted;
}

CreditFit CreditTask::fit_with(const JobSpec& job, const data::Table& train, uint64_t seed, int verbose) const {
  data::Table fit_rows = train, validation_rows;
  if (job.fit.validation_split > 0.0) {
    const data::FoldIndices parts = data::stratified_split(classes(train), job.fit.validation_split, seed + 7);
    fit_rows = train.select_rows(parts.train);
    validation_rows = train.select_rows(parts.test);
  }
  const bool has_validation = validation_rows.num_rows() > 0;
  if (job.fairness.enabled()) check_protected_columns(train, job.fairness, job.file.string());
  auto pre = data::TabularPreprocessor::fit(fit_rows, preprocess_options(job));
  auto model = build_model(job, pre);
  model->compile(compile_options_from_json(job.compile));
  const Tensor x = pre.transform(fit_rows), y = pre.target(fit_rows);
  if (!model->built()) model->build(Shape{x.size(1)});

  // The stratified part held out above is the validation data (not Keras's last rows).
  FitSpec spec = job.fit;
  spec.validation_split = 0.0;
  std::optional<std::pair<Tensor, Tensor>> validation;
  if (has_validation) validation = std::make_pair(pre.transform(validation_rows), pre.target(validation_rows));
  models::FitOptions options = fit_options(spec, validation, classes(fit_rows), job.output.history_csv, verbose);
  if (job.fairness.mitigation == "reweighing") {
    const std::vector<float> w = reweighing_weights(fit_rows, classes(fit_rows), job.fairness);
    options.sample_weight = from_vector(w, {static_cast<int64_t>(w.size())});
  }
  train::History history = model->fit(x, y, options);

  std::vector<ProxyFlag> proxies;
  if (job.fairness.enabled()) {
    proxies = proxy_screen(fit_rows, job.fairness, pre.columns());
  }
  tabular::TabularModel trained(std::move(pre), model);
  set_reason_policy(trained);
  trained.set_csv_options(csv_options(job.data));
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
  if (job.decision.threshold) {
    trained.set_threshold(*job.decision.threshold);
  } else if (has_validation) {
    // The threshold that minimizes the expected cost on rows the model did not fit.
    const std::vector<double> p = trained.predict_proba(validation_rows);
    const auto best = metrics::min_cost_threshold(p, to_int_labels(classes(validation_rows)), costs());
    trained.set_threshold(std::clamp(best.threshold, 1e-6, 1.0 - 1e-6));
  } else {
    // No held-out rows to choose on: the Bayes threshold FP / (FP + FN), right for calibrated probabilities.
    trained.set_threshold(metrics::bayes_threshold(costs()));
  }
  return {std::move(trained), std::move(history), std::move(proxies)};
}

// Adverse reasons never cite a protected attribute, and are worded from [reasons]; a
// dictionary must then word every column a reason may cite.
void CreditTask::set_reason_policy(tabular::TabularModel& model) const {
  std::set<std::string> never_cite;
  for (const auto& a : job_.fairness.attributes) never_cite.insert(a.column);
  if (!job_.reasons.empty()) {
    std::vector<std::string> unworded, inputs;
    for (const auto& c : model.preprocessor().columns()) {
      inputs.push_back(c.name);
      if (!never_cite.count(c.name) && !job_.reasons.count(c.name)) unworded.push_back(c.name);
    }
    for (const auto& [column, text] : job_.reasons)
      if (std::find(inputs.begin(), inputs.end(), column) == inputs.end())
        throw ConfigError(fmt::format("{}: [reasons] words '{}', which is not an input of the model (inputs: {})",
                                      job_.file.string(), column, fmt::join(inputs, ", ")));
    if (!unworded.empty())
      throw ConfigError(fmt::format("{}: [reasons] has no wording for {}: every input a reason may cite needs one",
                                    job_.file.string(), fmt::join(unworded, ", ")));
  }
  model.set_reason_policy(std::move(never_cite), job_.reasons);
}

std::map<std::string, double> CreditTask::evaluate(const tabular::TabularModel& model, const data::Table& rows) const {
  return credit_metrics(model.predict_proba(rows), to_int_labels(classes(rows)), model.threshold(), costs());
}

}  // namespace deepfin::tasks
