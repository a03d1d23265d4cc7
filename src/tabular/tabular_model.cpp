#include "deepfin/tabular/tabular_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/autograd/node.h"
#include "deepfin/base/error.h"
#include "deepfin/data/tabular/arff.h"
#include "deepfin/nn/layers/categorical_embedding.h"

namespace deepfin::tabular {
namespace {

// The model file's metadata key for everything a tabular model adds.
constexpr const char* kAttachment = "tabular";

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

double logit(double p) {
  const double q = std::clamp(p, 1e-12, 1.0 - 1e-12);
  return std::log(q / (1.0 - q));
}

void check_binary_output(const models::Sequential& model) {
  const auto layers = model.layers();
  if (layers.empty() || layers.back()->activation() != "sigmoid")
    throw ConfigError(fmt::format(
        "tabular model '{}': the last layer must be Dense(1, activation = \"sigmoid\") (the probability of the "
        "positive class), got activation '{}'",
        model.name(), layers.empty() ? std::string("none") : layers.back()->activation()));
  if (model.built() && model.output_shape() != Shape{1})
    throw ConfigError(fmt::format("tabular model '{}': the output must be one unit, got shape {}", model.name(),
                                  shape_str(model.output_shape())));
}

}  // namespace

TabularModel::TabularModel(data::TabularPreprocessor preprocessor, std::shared_ptr<models::Sequential> model)
    : preprocessor_(std::move(preprocessor)), model_(std::move(model)) {
  if (!model_) throw ValueError("TabularModel: no model given");
  check_binary_output(*model_);
  baseline_ = preprocessor_.feature_means().to_vector<float>();
}

bool TabularModel::starts_with_embedding() const {
  const auto layers = model_->layers();
  return !layers.empty() && dynamic_cast<const nn::CategoricalEmbedding*>(layers.front().get()) != nullptr;
}

Tensor TabularModel::explained_input(const Tensor& x) const {
  if (!starts_with_embedding()) return x;
  NoGradGuard no_grad;
  return model_->layers().front()->call(x, false).detach();
}

std::vector<int64_t> TabularModel::explained_feature_sources() const {
  const auto& features = preprocessor_.features();
  std::vector<int64_t> sources;
  if (!starts_with_embedding()) {
    for (const auto& f : features) sources.push_back(f.source);
    return sources;
  }
  const auto* embedding = dynamic_cast<const nn::CategoricalEmbedding*>(model_->layers().front().get());
  for (int64_t input_feature : embedding->output_feature_source(preprocessor_.num_features()))
    sources.push_back(features.at(input_feature).source);
  return sources;
}

void TabularModel::set_baseline_from(const data::Table& train) {
  if (train.num_rows() == 0)
    throw ValueError(fmt::format("{}: no rows to compute the explanation baseline", train.source));
  const Tensor x = preprocessor_.transform(train);
  if (!model_->built()) model_->build(Shape{x.size(1)});
  const Tensor h = explained_input(x).to(DType::float64);
  const int64_t n = h.size(0), f = h.size(1);
  const double* p = h.contiguous().data<double>();
  std::vector<double> sums(f, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j) sums[j] += p[i * f + j];
  baseline_.assign(f, 0.0f);
  for (int64_t j = 0; j < f; ++j) baseline_[j] = static_cast<float>(sums[j] / static_cast<double>(n));
}

double TabularModel::points(double probability) const {
  return scorecard_.points(std::clamp(probability, 1e-6, 1.0 - 1e-6));
}

void TabularModel::set_threshold(double threshold) {
  if (!(threshold > 0.0 && threshold < 1.0))
    throw ValueError(fmt::format("TabularModel: the decision threshold must lie in (0, 1), got {}", threshold));
  threshold_ = threshold;
}

double TabularModel::calibrated(double p) const {
  if (calibration_ == "platt") return platt_.transform(logit(p));
  if (calibration_ == "isotonic") return isotonic_.transform(p);
  return p;
}

std::vector<double> TabularModel::predict_proba(const data::Table& rows, int64_t batch_size) const {
  const Tensor x = preprocessor_.transform(rows);
  if (x.size(0) == 0) return {};
  std::vector<double> p = model_->predict(x, batch_size).to_vector<double>();
  for (double& v : p) v = calibrated(v);
  return p;
}

void TabularModel::calibrate(const data::Table& rows, const std::string& method) {
  if (method != "none" && method != "platt" && method != "isotonic")
    throw ConfigError(fmt::format("calibrate: method must be \"none\", \"platt\" or \"isotonic\", got \"{}\"", method));
  calibration_ = "none";
  if (method == "none") return;
  const std::vector<double> p = predict_proba(rows);
  const std::vector<int64_t> classes = preprocessor_.target_classes(rows);
  const std::vector<int> labels(classes.begin(), classes.end());
  if (method == "platt") {
    std::vector<double> z(p.size());
    for (size_t i = 0; i < p.size(); ++i) z[i] = logit(p[i]);
    platt_.fit(z, labels);
  } else {
    isotonic_.fit(p, labels);
  }
  calibration_ = method;
}

std::vector<RowExplanation> TabularModel::explain(const data::Table& rows, const ExplainOptions& options) const {
  if (options.max_reasons < 0) throw ValueError("explain: max_reasons must be >= 0");
  const Tensor x = preprocessor_.transform(rows);
  const int64_t n = x.size(0);
  if (n == 0) return {};
  if (!model_->built()) model_->build(Shape{x.size(1)});
  const Tensor h = explained_input(x);
  const std::vector<int64_t> sources = explained_feature_sources();
  if (static_cast<int64_t>(baseline_.size()) != h.size(1))
    throw FileError(fmt::format("explain: the stored baseline has {} values but the model explains {} features",
                                baseline_.size(), h.size(1)));
  const Tensor baseline = from_vector(baseline_, {h.size(1)});
  auto& model = *model_;
  const bool embedded = starts_with_embedding();
  auto log_odds = [&model, embedded](const Tensor& z) {
    return embedded ? model.call_from(1, z, true) : model.call_logits(z);
  };
  const explain::Attributions a = explain::integrated_gradients(log_odds, h, baseline, options.integration);

  const int64_t num_columns = static_cast<int64_t>(preprocessor_.columns().size());
  const std::vector<double> values = a.values.to_vector<double>();
  const int64_t f = h.size(1);
  std::vector<RowExplanation> out(n);
  for (int64_t i = 0; i < n; ++i) {
    RowExplanation& e = out[i];
    e.line = rows.lines[i];
    e.log_odds = a.output[i];
    e.baseline_log_odds = a.baseline_output[i];
    e.probability = calibrated(sigmoid(e.log_odds));
    e.adverse = e.probability >= threshold_;
    e.completeness_gap = a.completeness_gap[i];
    e.column_attributions = explain::roll_up(std::span<const double>(values.data() + i * f, f), sources, num_columns);
    // A column never cited gets no share of the reasons (its attribution stays in column_attributions).
    std::vector<double> citable = e.column_attributions;
    for (int64_t c = 0; c < num_columns; ++c)
      if (never_cite_.count(preprocessor_.columns()[c].name)) citable[c] = 0.0;
    e.reasons = explain::adverse_reasons(
        citable,
        [&](int64_t c) {
          const auto it = wording_.find(preprocessor_.columns()[c].name);
          return it != wording_.end() ? it->second : preprocessor_.describe(rows, i, c);
        },
        options.max_reasons);
  }
  return out;
}

void TabularModel::set_reason_policy(std::set<std::string> never_cite, std::map<std::string, std::string> wording) {
  std::set<std::string> known;
  for (const auto& c : preprocessor_.columns()) known.insert(c.name);
  for (const auto& [column, text] : wording)
    if (!known.count(column))
      throw ValueError(fmt::format("reason wording names '{}', which is not an input of the model", column));
  never_cite_ = std::move(never_cite);
  wording_ = std::move(wording);
}

data::Table TabularModel::read_rows(const std::string& path) const {
  const bool arff = path.size() >= 5 && path.compare(path.size() - 5, 5, ".arff") == 0;
  return arff ? data::read_arff(path) : data::read_csv(path, csv_options_);
}

void TabularModel::save(const std::string& path) const {
  model_->set_attachment(kAttachment, nlohmann::json{{"preprocessor", preprocessor_.to_json()},
                                                     {"baseline", baseline_},
                                                     {"threshold", threshold_},
                                                     {"calibration",
                                                      {{"method", calibration_},
                                                       {"map", calibration_ == "platt"      ? platt_.to_json()
                                                               : calibration_ == "isotonic" ? isotonic_.to_json()
                                                                                            : nlohmann::json()}}},
                                                     {"scorecard",
                                                      {{"base_score", scorecard_.base_score},
                                                       {"base_odds", scorecard_.base_odds},
                                                       {"points_to_double_odds", scorecard_.points_to_double_odds}}},
                                                     {"reasons", {{"never_cite", never_cite_}, {"wording", wording_}}},
                                                     {"rows",
                                                      {{"delimiter", std::string(1, csv_options_.delimiter)},
                                                       {"encoding", csv_options_.encoding},
                                                       {"missing_values", csv_options_.missing_values}}}});
  model_->save(path);
}

TabularModel TabularModel::load(const std::string& path) {
  return from_model(models::load_model(path), path);
}

TabularModel TabularModel::from_model(const std::shared_ptr<models::Model>& model, const std::string& path) {
  const nlohmann::json attached = model->attachment(kAttachment);
  if (!attached.is_object())
    throw FileError(fmt::format("{}: not a tabular model (no '{}' preprocessing in the file); it takes .npy input",
                                path, kAttachment));
  auto sequential = std::dynamic_pointer_cast<models::Sequential>(model);
  if (!sequential) throw FileError(fmt::format("{}: a tabular model must be Sequential", path));
  try {
    TabularModel out(data::TabularPreprocessor::from_json(attached.at("preprocessor")), sequential);
    out.baseline_ = attached.at("baseline").get<std::vector<float>>();
    out.set_threshold(attached.at("threshold").get<double>());
    const nlohmann::json& calibration = attached.at("calibration");
    out.calibration_ = calibration.at("method").get<std::string>();
    if (out.calibration_ == "platt") out.platt_ = metrics::PlattScaling::from_json(calibration.at("map"));
    if (out.calibration_ == "isotonic") out.isotonic_ = metrics::IsotonicCalibration::from_json(calibration.at("map"));
    if (out.calibration_ != "none" && out.calibration_ != "platt" && out.calibration_ != "isotonic")
      throw FileError(fmt::format("{}: unknown calibration method '{}'", path, out.calibration_));
    const nlohmann::json& card = attached.at("scorecard");
    out.scorecard_ = {.base_score = card.at("base_score").get<double>(),
                      .base_odds = card.at("base_odds").get<double>(),
                      .points_to_double_odds = card.at("points_to_double_odds").get<double>()};
    if (attached.contains("reasons")) {  // files from before it was saved cite every column
      const nlohmann::json& reasons = attached.at("reasons");
      out.never_cite_ = reasons.at("never_cite").get<std::set<std::string>>();
      out.wording_ = reasons.at("wording").get<std::map<std::string, std::string>>();
    }
    if (attached.contains("rows")) {  // files from before it was saved read rows with the defaults
      const nlohmann::json& rows = attached.at("rows");
      const std::string delimiter = rows.at("delimiter").get<std::string>();
      out.csv_options_.encoding = rows.at("encoding").get<std::string>();
      out.csv_options_.missing_values = rows.at("missing_values").get<std::vector<std::string>>();
      if (delimiter.size() != 1 || (out.csv_options_.encoding != "utf-8" && out.csv_options_.encoding != "latin-1"))
        throw FileError(fmt::format("{}: malformed tabular metadata: bad rows delimiter or encoding", path));
      out.csv_options_.delimiter = delimiter[0];
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("{}: malformed tabular metadata: {}", path, e.what()));
  }
}

}  // namespace deepfin::tabular
