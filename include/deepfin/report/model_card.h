#pragma once
// The model card (Mitchell et al. 2019) of a credit model, as Markdown, from the JSON
// document `deepfin report` builds and saves in the model file ("model_card"), so that
// `deepfin model-card MODEL` writes the same card again from the model alone.
#include <nlohmann/json.hpp>
#include <string>

namespace deepfin::report {

inline constexpr const char* kModelCardFile = "model_card.md";

// FileError naming a missing or mistyped key of the card document.
std::string model_card_markdown(const nlohmann::json& card);

}  // namespace deepfin::report
