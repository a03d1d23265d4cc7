#include "deepfin/tasks/job_file.h"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <sstream>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "spec_parsers.h"
#include "toml_json.h"

namespace deepfin::tasks {
namespace {

void parse_tabular_data(const nlohmann::json& d, DataSpec& s, const std::string& file) {
  s.target = config::get_or<std::string>(d, "target", "", "data", file);
  s.positive_label = config::get_or<std::string>(d, "positive_label", "", "data", file);
  if (s.path.empty() || s.target.empty() || s.positive_label.empty())
    throw ConfigError(
        fmt::format("{}: [data] source \"{}\" needs path (the file), target (the label column) and positive_label (the "
                    "label value meaning adverse, e.g. \"bad\")",
                    file, s.source));
  s.drop = config::get_or<std::vector<std::string>>(d, "drop", {}, "data", file);
  s.keep = config::get_or<std::vector<std::string>>(d, "keep", {}, "data", file);
  s.kinds = config::get_or<std::map<std::string, std::string>>(d, "kinds", {}, "data", file);
  for (const auto& [column, kind] : s.kinds)
    if (kind != "numeric" && kind != "categorical" && kind != "boolean")
      throw ConfigError(fmt::format(
          "{}: [data.kinds] {} = \"{}\": a kind is \"numeric\", \"categorical\" or \"boolean\"", file, column, kind));
  s.missing_values = config::get_or<std::vector<std::string>>(d, "missing_values", s.missing_values, "data", file);
  s.delimiter = config::get_or<std::string>(d, "delimiter", ",", "data", file);
  if (s.delimiter.size() != 1)
    throw ConfigError(fmt::format("{}: [data] delimiter must be one character, got \"{}\"", file, s.delimiter));
  s.encoding = config::get_or<std::string>(d, "encoding", "utf-8", "data", file);
  if (s.encoding != "utf-8" && s.encoding != "latin-1")
    throw ConfigError(
        fmt::format("{}: [data] encoding must be \"utf-8\" or \"latin-1\", got \"{}\"", file, s.encoding));
}

PreprocessSpec parse_preprocess(const nlohmann::json& p, const std::string& file) {
  config::check_keys(p, {"categorical", "imputation", "missing_indicators", "numeric_bins", "numeric_scaling"},
                     "preprocess", file);
  PreprocessSpec s;
  s.categorical = config::get_or<std::string>(p, "categorical", s.categorical, "preprocess", file);
  if (s.categorical != "one_hot" && s.categorical != "embedding")
    throw ConfigError(fmt::format("{}: [preprocess] categorical must be \"one_hot\" or \"embedding\", got \"{}\"", file,
                                  s.categorical));
  s.imputation = config::get_or<std::string>(p, "imputation", s.imputation, "preprocess", file);
  if (s.imputation != "median" && s.imputation != "mean")
    throw ConfigError(
        fmt::format("{}: [preprocess] imputation must be \"median\" or \"mean\", got \"{}\"", file, s.imputation));
  s.missing_indicators = config::get_or<bool>(p, "missing_indicators", true, "preprocess", file);
  s.numeric_bins = config::get_or<int64_t>(p, "numeric_bins", 0, "preprocess", file);
  if (s.numeric_bins != 0 && (s.numeric_bins < 2 || s.numeric_bins > 256))
    throw ConfigError(
        fmt::format("{}: [preprocess] numeric_bins must be 0 (off) or lie in [2, 256], got {}", file, s.numeric_bins));
  s.numeric_scaling = config::get_or<std::string>(p, "numeric_scaling", s.numeric_scaling, "preprocess", file);
  if (s.numeric_scaling != "standard" && s.numeric_scaling != "quantile")
    throw ConfigError(fmt::format("{}: [preprocess] numeric_scaling must be \"standard\" or \"quantile\", got \"{}\"",
                                  file, s.numeric_scaling));
  return s;
}

DecisionSpec parse_decision(const nlohmann::json& d, const std::string& file) {
  config::check_keys(d,
                     {"threshold", "calibration", "cost_false_negative", "cost_false_positive", "base_score",
                      "base_odds", "points_to_double_odds"},
                     "decision", file);
  DecisionSpec s;
  if (d.contains("threshold")) {
    const nlohmann::json& t = d.at("threshold");
    if (t.is_string() && t.get<std::string>() == "min_cost") {
      s.threshold.reset();
    } else if (t.is_number() && t.get<double>() > 0.0 && t.get<double>() < 1.0) {
      s.threshold = t.get<double>();
    } else {
      throw ConfigError(fmt::format("{}: [decision] threshold must be a probability in (0, 1) or \"min_cost\", got {}",
                                    file, t.dump()));
    }
  }
  s.calibration = config::get_or<std::string>(d, "calibration", s.calibration, "decision", file);
  if (s.calibration != "none" && s.calibration != "platt" && s.calibration != "isotonic")
    throw ConfigError(fmt::format("{}: [decision] calibration must be \"none\", \"platt\" or \"isotonic\", got \"{}\"",
                                  file, s.calibration));
  s.cost_false_negative = config::get_or<double>(d, "cost_false_negative", s.cost_false_negative, "decision", file);
  s.cost_false_positive = config::get_or<double>(d, "cost_false_positive", s.cost_false_positive, "decision", file);
  if (!(s.cost_false_negative > 0) || !(s.cost_false_positive > 0))
    throw ConfigError(fmt::format("{}: [decision] costs must be positive", file));
  s.base_score = config::get_or<double>(d, "base_score", s.base_score, "decision", file);
  s.base_odds = config::get_or<double>(d, "base_odds", s.base_odds, "decision", file);
  s.points_to_double_odds =
      config::get_or<double>(d, "points_to_double_odds", s.points_to_double_odds, "decision", file);
  if (!(s.base_odds > 0) || !(s.points_to_double_odds > 0))
    throw ConfigError(fmt::format("{}: [decision] base_odds and points_to_double_odds must be positive", file));
  return s;
}

DataSpec parse_data(const nlohmann::json& d, const std::string& file) {
  config::check_keys(
      d,
      {"source", "x", "y", "path", "test_split", "stratify", "one_hot", "normalize", "limit_train", "limit_test",
       "target", "positive_label", "drop", "keep", "kinds", "missing_values", "delimiter", "encoding"},
      "data", file);
  DataSpec s;
  s.source = config::get_or<std::string>(d, "source", "", "data", file);
  if (s.source != "fashion_mnist" && s.source != "npy" && s.source != "npz" && !s.tabular())
    throw ConfigError(
        fmt::format("{}: [data] source must be \"fashion_mnist\", \"npy\", \"npz\", \"csv\", \"arff\", \"series\" or "
                    "\"text\", got \"{}\"",
                    file, s.source));
  if (!s.tabular())
    for (const char* key :
         {"target", "positive_label", "drop", "keep", "kinds", "missing_values", "delimiter", "encoding"})
      if (d.contains(key))
        throw ConfigError(
            fmt::format("{}: [data] {} applies to csv and arff data only (source is \"{}\")", file, key, s.source));
  s.x = config::get_or<std::string>(d, "x", s.source == "npz" ? "x" : "", "data", file);
  s.y = config::get_or<std::string>(d, "y", s.source == "npz" ? "y" : "", "data", file);
  s.path = config::get_or<std::string>(d, "path", "", "data", file);
  s.test_split = config::get_or<double>(d, "test_split", 0.2, "data", file);
  s.stratify = config::get_or<bool>(d, "stratify", s.tabular(), "data", file);
  s.one_hot = config::get_or<bool>(d, "one_hot", true, "data", file);
  s.normalize = config::get_or<bool>(d, "normalize", true, "data", file);
  s.limit_train = config::get_or<int64_t>(d, "limit_train", -1, "data", file);
  s.limit_test = config::get_or<int64_t>(d, "limit_test", -1, "data", file);
  if (s.tabular()) parse_tabular_data(d, s, file);
  if (s.source == "npy" && (s.x.empty() || s.y.empty()))
    throw ConfigError(fmt::format("{}: [data] source \"npy\" needs both x and y file paths", file));
  if (s.source == "npz" && s.path.empty())
    throw ConfigError(fmt::format("{}: [data] source \"npz\" needs path = the .npz archive", file));
  if (!(s.test_split > 0.0 && s.test_split < 1.0))
    throw ConfigError(fmt::format("{}: [data] test_split must be between 0 and 1, got {}", file, s.test_split));
  return s;
}

// TOML has nan and inf literals; no setting of a job means them (a base_score of
// nan saved a model that could not score, an epsilon of inf one that never learned).
void check_finite_numbers(const nlohmann::json& value, const std::string& key_path, const std::string& file) {
  if (value.is_number_float() && !std::isfinite(value.get<double>()))
    throw ConfigError(fmt::format("{}: {} = {}: numbers in a job must be finite", file, key_path,
                                  std::isnan(value.get<double>()) ? "nan" : "inf"));
  if (value.is_object())
    for (const auto& [key, item] : value.items())
      check_finite_numbers(item, key_path.empty() ? key : key_path + "." + key, file);
  if (value.is_array())
    for (size_t i = 0; i < value.size(); ++i) check_finite_numbers(value[i], fmt::format("{}[{}]", key_path, i), file);
}

}  // namespace

namespace {
JobSpec parse_job_tables(const nlohmann::json& j, const std::string& name);
}  // namespace

nlohmann::json job_file_json(const std::string& toml_text, const std::string& name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: {}", name, where.line, where.column, e.description()));
  }
  nlohmann::json j = toml_to_json(table);
  check_finite_numbers(j, "", name);
  return j;
}

JobSpec parse_job_json(const nlohmann::json& j, const std::string& name) {
  check_finite_numbers(j, "", name);
  // Every key is read with a type check where it is read; this is the net under them,
  // so that a value of the wrong type anywhere (source = {}) is the job's error.
  try {
    return parse_job_tables(j, name);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("{}: a value has the wrong type: {}", name, e.what()));
  }
}

JobSpec parse_job(const std::string& toml_text, const std::string& name) {
  return parse_job_json(job_file_json(toml_text, name), name);
}

namespace {

JobSpec parse_job_tables(const nlohmann::json& j, const std::string& name) {
  config::check_keys(j, {"data",       "model",    "compile", "fit",        "output", "seed",     "threads",
                         "preprocess", "decision", "floors",  "features",   "window", "backtest", "text",
                         "privacy",    "fairness", "reasons", "checkpoint", "tune",   "replies"},
                     "top level", name);
  for (const char* required : {"data", "model", "compile"})
    if (!j.contains(required) || !j.at(required).is_object())
      throw ConfigError(fmt::format("{}: missing required table [{}]", name, required));

  JobSpec spec;
  spec.file = name;
  const std::string source = config::get_or<std::string>(j.at("data"), "source", "", "data", name);
  if (source != "text" && j.contains("text"))
    throw ConfigError(fmt::format("{}: [text] applies to text data only", name));
  if (source == "series") {
    spec.data.source = "series";
    spec.forecast = parse_forecast_spec(j, name);
  } else if (source == "text") {
    for (const char* table : {"features", "window", "backtest"})
      if (j.contains(table)) throw ConfigError(fmt::format("{}: [{}] applies to series data only", name, table));
    spec.data.source = "text";
    spec.text = parse_text_spec(j, name);
  } else {
    for (const char* table : {"features", "window", "backtest"})
      if (j.contains(table)) throw ConfigError(fmt::format("{}: [{}] applies to series data only", name, table));
    spec.data = parse_data(j.at("data"), name);
  }
  spec.model = j.at("model");
  if (!spec.model.contains("class_name") || !spec.model.contains("config"))
    throw ConfigError(fmt::format("{}: [model] needs class_name and config (the tree that save() writes)", name));
  spec.compile = j.at("compile");
  config::check_keys(spec.compile, {"optimizer", "loss", "metrics"}, "compile", name);
  if (!spec.compile.contains("loss")) throw ConfigError(fmt::format("{}: [compile] needs a loss", name));
  spec.fit = parse_fit_spec(j.value("fit", nlohmann::json::object()), name);
  const nlohmann::json out = j.value("output", nlohmann::json::object());
  config::check_keys(out, {"model", "predictions", "history_csv", "report"}, "output", name);
  spec.output.model = config::get_or<std::string>(out, "model", "", "output", name);
  spec.output.predictions = config::get_or<std::string>(out, "predictions", "", "output", name);
  spec.output.history_csv = config::get_or<std::string>(out, "history_csv", "", "output", name);
  spec.output.report = config::get_or<std::string>(out, "report", "", "output", name);
  for (const char* table : {"preprocess", "decision", "fairness", "reasons"})
    if (j.contains(table) && !spec.data.tabular())
      throw ConfigError(fmt::format("{}: [{}] applies to csv and arff data only", name, table));
  if (j.contains("preprocess")) spec.preprocess = parse_preprocess(j.at("preprocess"), name);
  if (j.contains("decision")) spec.decision = parse_decision(j.at("decision"), name);
  if (j.contains("fairness")) spec.fairness = parse_fairness_spec(j.at("fairness"), name);
  if (j.contains("reasons")) spec.reasons = parse_reasons_spec(j.at("reasons"), name);
  if (j.contains("floors")) spec.floors = j.at("floors");
  if (j.contains("replies")) {
    if (!spec.data.text()) throw ConfigError(fmt::format("{}: [replies] applies to text jobs only", name));
    spec.text.replies = parse_replies_spec(j.at("replies"), name);
  }
  if (j.contains("seed")) spec.seed = config::get_or<uint64_t>(j, "seed", 0, "top level", name);
  if (j.contains("privacy")) {
    spec.fit.privacy = parse_privacy_spec(j.at("privacy"), spec.seed.value_or(0), name);
    if (spec.data.source == "text" && spec.text.ensemble > 1)
      throw ConfigError(fmt::format(
          "{}: [privacy] with [text] ensemble = {}: every member trains on the same rows, so the budget would be "
          "spent {} times over. Set ensemble = 1 under [privacy]",
          name, spec.text.ensemble, spec.text.ensemble));
    if (spec.data.source == "text" && spec.text.linear != "none")
      throw ConfigError(fmt::format(
          "{}: [privacy] with [text] linear = \"{}\": the linear TF-IDF model is not trained with DP-SGD, so "
          "its vocabulary and weights would leak the training texts. Set linear = \"none\" under [privacy]",
          name, spec.text.linear));
  }
  if (j.contains("checkpoint")) spec.fit.checkpoint = parse_checkpoint_spec(j.at("checkpoint"), name);
  if (j.contains("tune")) spec.tune = parse_tune_spec(j.at("tune"), name);
  if (j.contains("threads")) spec.threads = config::get_or<int>(j, "threads", 0, "top level", name);
  return spec;
}

}  // namespace

std::string JobSpec::report_dir() const {
  return !output.report.empty() ? output.report : "report/" + file.stem().string();
}

std::string JobSpec::floor_of(const std::string& metric) const {
  if (!floors.contains(metric)) return "";
  const nlohmann::json& f = floors.at(metric);
  return f.is_string() ? f.get<std::string>() : f.dump();
}

std::string job_json_to_toml(const nlohmann::json& job) {
  std::ostringstream os;
  os << json_to_toml(job) << "\n";
  return os.str();
}

JobSpec load_job_file(const std::string& path) {
  return parse_job(io::read_file(path), path);
}

}  // namespace deepfin::tasks
