#pragma once
// Scorer: one loaded model file behind the JSON the server speaks. Each kind of
// model deepfin writes has one (credit, text, forecast, array); load_scorer
// picks it from what the file holds. A request is parsed and checked first
// (errors name the field), then scored together with others in one batch.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/models/model.h"
#include "deepfin/tasks/decision_log.h"

namespace deepfin::serve {

// One request's inputs, parsed and checked against the model.
struct Instances {
  virtual ~Instances() = default;
  int64_t rows = 0;  // what the request adds to a batch
};

struct ScoringOptions {
  int explain_reasons = 4;
  int64_t explain_steps = 64;
  // Credit models: one audit line per decision (tasks/decision_log.h); id_column names the field of
  // each applicant that holds its id, which requests must then carry.
  tasks::DecisionLogOptions decision_log{};
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  // "credit", "text", "forecast" or "array".
  virtual std::string kind() const = 0;
  // RequestError 422 naming the field (e.g. "instances[2].duration") when the body
  // lacks a field or holds the wrong type.
  virtual std::unique_ptr<Instances> parse(const nlohmann::json& body) const = 0;
  // The response of every request in the batch, in order; scored together.
  virtual std::vector<nlohmann::json> score(const std::vector<const Instances*>& batch) const = 0;
  // The inputs the model takes and what it answers, for GET /v1/models/{name}.
  virtual nlohmann::json schema() const = 0;
  // A request body the model accepts (null when none can be made up); the server
  // scores it once before a model goes live, so a file that loads but cannot score is refused.
  virtual nlohmann::json example() const = 0;
  // Scores example() as a check before the model goes live (nothing when it is null). A
  // credit scorer's decision log does not record this check.
  virtual void self_check() const;
  // The network, for the file's metadata (training metrics, privacy guarantee).
  virtual const models::Model& model() const = 0;
};

// FileError naming the file when it cannot be read or is no deepfin model.
std::shared_ptr<const Scorer> load_scorer(const std::string& path, const ScoringOptions& options = {});

}  // namespace deepfin::serve
