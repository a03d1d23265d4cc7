#pragma once
// A text model's predictions for a file of texts, as the CSV `deepfin predict` writes.
#include <string>
#include <vector>

#include "deepfin/text/texts_to_score.h"
#include "deepfin/text_model/text_classifier.h"

namespace deepfin::tasks {

// "line,label,confidence,to_person,reply", one row per text in file order: the text's line
// in its file, the predicted label, its probability, whether the text goes to a person
// (below the model's confidence threshold) and the label's templated reply, if any.
// ValueError unless there is one prediction per text.
std::string text_predictions_csv(const text::TextsToScore& texts,
                                 const std::vector<text_model::Prediction>& predictions);

}  // namespace deepfin::tasks
