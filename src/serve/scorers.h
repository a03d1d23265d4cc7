#pragma once
// The four kinds of Scorer, one file each; load_scorer (scorer.cpp) picks one.
#include <memory>
#include <string>

#include "deepfin/serve/scorer.h"

namespace deepfin::serve {

// Credit and text scorers start from the model load_scorer has read from `path` already.
std::shared_ptr<const Scorer> load_credit_scorer(const std::shared_ptr<models::Model>& model, const std::string& path,
                                                 const ScoringOptions& options);
std::shared_ptr<const Scorer> load_text_scorer(const std::shared_ptr<models::Model>& model, const std::string& path);
std::shared_ptr<const Scorer> load_forecast_scorer(const std::string& path);
std::shared_ptr<const Scorer> array_scorer(std::shared_ptr<models::Model> model);

}  // namespace deepfin::serve
