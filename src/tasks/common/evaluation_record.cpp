#include "deepfin/tasks/evaluation_record.h"

#include <cmath>

namespace deepfin::tasks {

void record_evaluation(models::Model& model, const std::string& on, int64_t rows,
                       const std::map<std::string, double>& metrics, const std::string& source) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [name, value] : metrics) values[name] = std::isfinite(value) ? nlohmann::json(value) : nullptr;
  model.set_attachment("evaluation", {{"on", on}, {"rows", rows}, {"metrics", values}, {"source", source}});
}

}  // namespace deepfin::tasks
