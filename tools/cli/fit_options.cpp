#include "fit_options.h"

#include <fmt/format.h>

#include "deepfin/core/error.h"

namespace deepfin::cli {

models::FitOptions fit_options_from_json(const nlohmann::json& fit, const data::Dataset& data,
                                         const std::string& history_csv) {
  models::FitOptions o;
  try {
    o.epochs = fit.value("epochs", 1);
    o.batch_size = fit.value("batch_size", int64_t{32});
    o.shuffle = fit.value("shuffle", true);
    o.verbose = fit.value("verbose", 1);
    o.validation_split = fit.value("validation_split", 0.0);
    const std::string validation = fit.value("validation", std::string(o.validation_split > 0 ? "split" : "test"));
    if (validation == "test") {
      o.validation_data = std::make_pair(data.x_test, data.y_test);
    } else if (validation != "none" && validation != "split") {
      throw ConfigError(fmt::format("[fit] validation must be \"test\", \"split\" or \"none\", got \"{}\"", validation));
    }
    if (fit.contains("class_weight"))
      for (const auto& [key, value] : fit.at("class_weight").items()) o.class_weight[std::stoll(key)] = value.get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("[fit] has a value of the wrong type: {}", e.what()));
  } catch (const std::invalid_argument&) {
    throw ConfigError("[fit] class_weight keys must be class numbers, e.g. class_weight = { \"0\" = 1.0, \"1\" = 5.0 }");
  }
  if (o.epochs <= 0 || o.batch_size <= 0)
    throw ConfigError(fmt::format("[fit] epochs and batch_size must be positive (got {} and {})", o.epochs, o.batch_size));
  (void)history_csv;
  return o;
}

}  // namespace deepfin::cli
