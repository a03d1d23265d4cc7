#pragma once
// TabularModel: a binary classifier that reads raw table rows. It pairs the
// fitted preprocessing (imputation, encodings, scaling) with a Sequential model
// whose output is Dense(1, sigmoid) = the probability of the positive (adverse)
// class, and explains each score with integrated gradients rolled up to the
// columns the applicant filled in. One .safetensors file holds all of it, so
// `deepfin predict` and `deepfin explain` take rows exactly like the training file.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/tabular/preprocessor.h"
#include "deepfin/data/tabular/table.h"
#include "deepfin/explain/integrated_gradients.h"
#include "deepfin/explain/reason_codes.h"
#include "deepfin/metrics/credit/calibration.h"
#include "deepfin/metrics/credit/scorecard.h"
#include "deepfin/models/sequential.h"

namespace deepfin::tabular {

struct ExplainOptions {
  explain::IntegratedGradientsOptions integration{};
  int max_reasons = 4;  // US Regulation B practice: up to four principal reasons
};

struct RowExplanation {
  int64_t line = 0;          // source line of the row
  double probability = 0.0;  // of the positive (adverse) class
  double log_odds = 0.0;     // what the attributions explain
  double baseline_log_odds = 0.0;
  bool adverse = false;                     // probability >= threshold: e.g. decline
  std::vector<double> column_attributions;  // per preprocessor column (columns() order)
  std::vector<explain::Reason> reasons;     // top adverse reasons, largest first
  double completeness_gap = 0.0;            // sum of attributions - (log_odds - baseline_log_odds)
};

class TabularModel {
 public:
  // ConfigError unless the model ends in one sigmoid unit.
  TabularModel(data::TabularPreprocessor preprocessor, std::shared_ptr<models::Sequential> model);

  // Reads a file written by save(); FileError if it holds no tabular preprocessing.
  static TabularModel load(const std::string& path);
  // The same from a model already loaded from `path` (which errors name).
  static TabularModel from_model(const std::shared_ptr<models::Model>& model, const std::string& path);
  // Attaches preprocessing, baseline and threshold to the model file. Atomic.
  void save(const std::string& path) const;

  // The explanation baseline: the mean, over `train`'s rows, of the input that
  // integrated gradients integrates over (the preprocessed features, or after
  // the CategoricalEmbedding layer when the model starts with one). Call after
  // training; before that the baseline is the preprocessor's feature means.
  void set_baseline_from(const data::Table& train);
  const std::vector<float>& baseline() const { return baseline_; }

  // Probability of the positive class per row (calibrated, if calibrate() was called).
  std::vector<double> predict_proba(const data::Table& rows, int64_t batch_size = 1024) const;

  // Fits a calibration map from the network's probability to the observed rate on
  // `rows` (held-out rows with the target): "platt" (logistic on the log-odds),
  // "isotonic", or "none" to remove it. Explanations still attribute the network's
  // log-odds; the map is monotone, so the reasons do not change.
  void calibrate(const data::Table& rows, const std::string& method);
  const std::string& calibration() const { return calibration_; }
  std::vector<RowExplanation> explain(const data::Table& rows, const ExplainOptions& options = {}) const;

  // A row is adverse (declined) when its probability is at least the threshold.
  double threshold() const { return threshold_; }
  void set_threshold(double threshold);
  // Probability -> points (higher = safer), saved with the model.
  const metrics::Scorecard& scorecard() const { return scorecard_; }
  void set_scorecard(const metrics::Scorecard& scorecard) { scorecard_ = scorecard; }
  // Scorecard points of a probability; 0 and 1 (isotonic calibration gives them) are
  // taken as 1e-6 and 1 - 1e-6, so the points stay finite.
  double points(double probability) const;

  // How rows files are read: the training file's delimiter, encoding and missing-value
  // markers, saved with the model so that scoring reads cells exactly as training did
  // (a "?" that meant missing in training must not become an unseen category).
  void set_csv_options(const data::CsvOptions& options) { csv_options_ = options; }
  const data::CsvOptions& csv_options() const { return csv_options_; }
  // Rows to score: an .arff file, or CSV read with csv_options().
  data::Table read_rows(const std::string& path) const;

  // What adverse reasons may say, saved with the model: they never cite `never_cite`
  // (protected attributes the model sees under [fairness] use = "monitor"), and a
  // column with an entry in `wording` is cited by that text (an adverse-action
  // notice's wording) instead of "column = value". ValueError naming an unknown column.
  void set_reason_policy(std::set<std::string> never_cite, std::map<std::string, std::string> wording);
  const std::set<std::string>& never_cited() const { return never_cite_; }
  const std::map<std::string, std::string>& reason_wording() const { return wording_; }

  const data::TabularPreprocessor& preprocessor() const { return preprocessor_; }
  models::Sequential& model() const { return *model_; }
  const std::shared_ptr<models::Sequential>& model_ptr() const { return model_; }

 private:
  // The input integrated gradients sees for `x` (N, features), and the column each of its features rolls up to.
  Tensor explained_input(const Tensor& x) const;
  std::vector<int64_t> explained_feature_sources() const;
  bool starts_with_embedding() const;

  data::TabularPreprocessor preprocessor_;
  std::shared_ptr<models::Sequential> model_;
  std::vector<float> baseline_;
  double threshold_ = 0.5;
  metrics::Scorecard scorecard_{};
  std::string calibration_ = "none";
  metrics::PlattScaling platt_{};
  metrics::IsotonicCalibration isotonic_{};
  data::CsvOptions csv_options_{};
  std::set<std::string> never_cite_{};
  std::map<std::string, std::string> wording_{};
  // Applies the calibration map to a network probability.
  double calibrated(double p) const;
};

}  // namespace deepfin::tabular
