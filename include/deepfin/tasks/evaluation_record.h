#pragma once
// The held-out metrics a job measured, kept in the model file (attachment
// "evaluation"), so that whoever loads the model later (the scoring server's
// GET /v1/models/{name}, a model card) can say how well it did and on what.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/models/model.h"

namespace deepfin::tasks {

// {"on": on, "rows": rows, "metrics": metrics, "source": source}; non-finite
// values become null (JSON has no NaN).
void record_evaluation(models::Model& model, const std::string& on, int64_t rows,
                       const std::map<std::string, double>& metrics, const std::string& source);

}  // namespace deepfin::tasks
