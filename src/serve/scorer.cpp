// load_scorer: the kind of a model file is what its metadata carries: a tabular
// preprocessor (credit), a text pipeline (text), a forecasting recipe
// (forecast), or nothing beyond the network (array).
#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "serve/scorers.h"

namespace deepfin::serve {

void Scorer::self_check() const {
  const nlohmann::json body = example();
  if (body.is_null()) return;
  const auto instances = parse(body);
  score({instances.get()});
}

std::shared_ptr<const Scorer> load_scorer(const std::string& path, const ScoringOptions& options) {
  const std::shared_ptr<models::Model> model = models::load_model(path);
  if (!model->attachment("tabular").is_null()) return load_credit_scorer(model, path, options);
  if (!model->attachment("text").is_null()) return load_text_scorer(model, path);
  if (!model->attachment("forecast").is_null()) return load_forecast_scorer(path);
  if (!model->built())
    throw FileError(fmt::format("{}: the model has no input shape, so the server cannot check requests", path));
  return array_scorer(model);
}

}  // namespace deepfin::serve
