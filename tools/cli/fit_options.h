#pragma once
// A job file's [fit] table as models::FitOptions.
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/data/fashion_mnist.h"
#include "deepfin/models/options.h"

namespace deepfin::cli {

// validation = "test" (default) validates on the held-out test set each epoch,
// as the seed's fit(validation_data=...) does; "none" skips it;
// validation_split holds out the last share of the training data instead.
models::FitOptions fit_options_from_json(const nlohmann::json& fit, const data::Dataset& data,
                                         const std::string& history_csv);

}  // namespace deepfin::cli
