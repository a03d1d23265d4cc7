// [fit] of a job file into a typed FitSpec: every key known, every value of the
// right type and range, checked here where the file is known.
#include <fmt/format.h>

#include <filesystem>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "spec_parsers.h"

namespace deepfin::tasks {
namespace {

FitSpec::Validation validation_from_string(const std::string& v, const std::string& file) {
  if (v == "test") return FitSpec::Validation::test;
  if (v == "split") return FitSpec::Validation::split;
  if (v == "none") return FitSpec::Validation::none;
  throw ConfigError(fmt::format("{}: [fit] validation must be \"test\", \"split\" or \"none\", got \"{}\"", file, v));
}

void parse_class_weight(const nlohmann::json& weights, FitSpec& s, const std::string& file) {
  if (weights.is_string()) {
    if (weights.get<std::string>() != "balanced")
      throw ConfigError(fmt::format("{}: [fit] class_weight must be \"balanced\" or a table of class weights, got {}",
                                    file, weights.dump()));
    s.balanced_class_weight = true;
    return;
  }
  if (!weights.is_object())
    throw ConfigError(fmt::format("{}: [fit] class_weight must be \"balanced\" or a table of class weights, got {}",
                                  file, weights.dump()));
  for (const auto& [key, weight] : weights.items()) {
    if (!weight.is_number())
      throw ConfigError(fmt::format("{}: [fit] class_weight {} must be a number, got {}", file, key, weight.dump()));
    int64_t cls = 0;
    try {
      size_t used = 0;
      cls = std::stoll(key, &used);
      if (used != key.size()) throw std::invalid_argument(key);
    } catch (const std::logic_error&) {  // std::stoll: invalid_argument or out_of_range
      throw ConfigError(fmt::format(
          "{}: [fit] class_weight keys must be class numbers, e.g. class_weight = {{ \"0\" = 1.0, \"1\" = 5.0 }}",
          file));
    }
    s.class_weight[cls] = weight.get<double>();
  }
}

train::EarlyStoppingOptions parse_early_stopping(const nlohmann::json& es, const std::string& file) {
  if (!es.is_object()) throw ConfigError(fmt::format("{}: [fit] early_stopping must be a table, true or false", file));
  const char* where = "fit.early_stopping";
  config::check_keys(es, {"monitor", "mode", "patience", "min_delta", "restore_best_weights"}, where, file);
  train::EarlyStoppingOptions e;
  e.monitor = config::get_or<std::string>(es, "monitor", e.monitor, where, file);
  e.mode = config::get_or<std::string>(es, "mode", e.mode, where, file);
  e.patience = config::get_or<int>(es, "patience", e.patience, where, file);
  e.min_delta = config::get_or<double>(es, "min_delta", e.min_delta, where, file);
  e.restore_best_weights = config::get_or<bool>(es, "restore_best_weights", e.restore_best_weights, where, file);
  return e;
}

}  // namespace

FitSpec parse_fit_spec(const nlohmann::json& fit, const std::string& file) {
  config::check_keys(fit,
                     {"epochs", "batch_size", "validation", "validation_split", "shuffle", "verbose", "class_weight",
                      "early_stopping"},
                     "fit", file);
  FitSpec s;
  // Whole numbers, read exactly (2.5 epochs is an error, not 2).
  s.epochs = config::get_or<int>(fit, "epochs", s.epochs, "fit", file);
  s.batch_size = config::get_or<int64_t>(fit, "batch_size", s.batch_size, "fit", file);
  s.verbose = config::get_or<int>(fit, "verbose", s.verbose, "fit", file);
  if (s.epochs <= 0 || s.batch_size <= 0)
    throw ConfigError(
        fmt::format("{}: [fit] epochs and batch_size must be positive (got {} and {})", file, s.epochs, s.batch_size));
  s.shuffle = config::get_or<bool>(fit, "shuffle", s.shuffle, "fit", file);
  s.validation_split = config::get_or<double>(fit, "validation_split", s.validation_split, "fit", file);
  if (!(s.validation_split >= 0.0 && s.validation_split < 1.0))
    throw ConfigError(fmt::format("{}: [fit] validation_split must lie in [0, 1), got {}", file, s.validation_split));
  if (fit.contains("validation"))
    s.validation = validation_from_string(config::get_or<std::string>(fit, "validation", "", "fit", file), file);
  if (fit.contains("class_weight")) parse_class_weight(fit.at("class_weight"), s, file);
  if (fit.contains("early_stopping") && fit.at("early_stopping").is_boolean()) {
    // true: Keras's EarlyStopping on val_loss with patience 2, keeping the best weights.
    if (fit.at("early_stopping").get<bool>())
      s.early_stopping = train::EarlyStoppingOptions{.patience = 2, .restore_best_weights = true};
    else
      s.early_stopping_off = true;
  } else if (fit.contains("early_stopping")) {
    s.early_stopping = parse_early_stopping(fit.at("early_stopping"), file);
  }
  return s;
}

}  // namespace deepfin::tasks

namespace deepfin::tasks {

train::CheckpointOptions parse_checkpoint_spec(const nlohmann::json& table, const std::string& file) {
  if (!table.is_object()) throw ConfigError(fmt::format("{}: [checkpoint] must be a table", file));
  const char* where = "checkpoint";
  config::check_keys(table, {"directory", "every_steps", "every_epochs", "keep"}, where, file);
  train::CheckpointOptions c;
  c.directory = config::get_or<std::string>(table, "directory",
                                            "checkpoints/" + std::filesystem::path(file).stem().string(), where, file);
  c.every_steps = config::get_or<int64_t>(table, "every_steps", 0, where, file);
  c.every_epochs = config::get_or<int>(table, "every_epochs", 0, where, file);
  c.keep = config::get_or<int>(table, "keep", c.keep, where, file);
  try {
    train::check_checkpoint_options(c);
  } catch (const ConfigError& e) {
    const std::string why = e.what();  // "checkpoint: ..."
    throw ConfigError(fmt::format("{}: [checkpoint] {}", file, why.substr(why.find(':') + 2)));
  }
  return c;
}

}  // namespace deepfin::tasks
