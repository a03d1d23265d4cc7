#include "fit_options.h"

#include <fmt/format.h>

#include "deepfin/core/error.h"
#include "deepfin/train/csv_logger.h"
#include "deepfin/train/early_stopping.h"
#include "table_keys.h"

namespace deepfin::cli {

models::FitOptions fit_options_from_json(const nlohmann::json& fit, const data::Dataset& data,
                                         const std::string& history_csv) {
  models::FitOptions o;
  try {
    o.epochs = get_or<int>(fit, "epochs", 1, "fit", "job file");
    o.batch_size = get_or<int64_t>(fit, "batch_size", 32, "fit", "job file");
    o.shuffle = fit.value("shuffle", true);
    o.verbose = get_or<int>(fit, "verbose", 1, "fit", "job file");
    o.validation_split = fit.value("validation_split", 0.0);
    const std::string validation = fit.value("validation", std::string(o.validation_split > 0 ? "split" : "test"));
    if (validation == "test") {
      o.validation_data = std::make_pair(data.x_test, data.y_test);
    } else if (validation != "none" && validation != "split") {
      throw ConfigError(
          fmt::format("[fit] validation must be \"test\", \"split\" or \"none\", got \"{}\"", validation));
    }
    if (fit.contains("early_stopping")) {
      const nlohmann::json& es = fit.at("early_stopping");
      train::EarlyStoppingOptions e;
      e.monitor = es.value("monitor", e.monitor);
      e.patience = get_or<int>(es, "patience", e.patience, "fit.early_stopping", "job file");
      e.min_delta = es.value("min_delta", e.min_delta);
      e.mode = es.value("mode", e.mode);
      e.restore_best_weights = es.value("restore_best_weights", e.restore_best_weights);
      o.callbacks.push_back(std::make_shared<train::EarlyStopping>(e));
    }
    if (fit.contains("class_weight"))
      for (const auto& [key, value] : fit.at("class_weight").items())
        o.class_weight[std::stoll(key)] = value.get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("[fit] has a value of the wrong type: {}", e.what()));
  } catch (const std::logic_error&) {  // std::stoll: invalid_argument or out_of_range
    throw ConfigError(
        "[fit] class_weight keys must be class numbers, e.g. class_weight = { \"0\" = 1.0, \"1\" = 5.0 }");
  }
  if (o.epochs <= 0 || o.batch_size <= 0)
    throw ConfigError(
        fmt::format("[fit] epochs and batch_size must be positive (got {} and {})", o.epochs, o.batch_size));
  if (!history_csv.empty()) o.callbacks.push_back(std::make_shared<train::CSVLogger>(history_csv));
  return o;
}

}  // namespace deepfin::cli
