#pragma once
// A text model's labels for a file of texts, as the CSV `deepfin predict` writes.
#include <cstdint>
#include <string>

#include "deepfin/text_model/text_classifier.h"

namespace deepfin::tasks {

struct TextFilePredictions {
  // "line,label,confidence,to_person,reply", one row per text in file order: the text's line
  // in its file, the predicted label, its probability, whether the text goes to a person
  // (below the model's confidence threshold) and the label's templated reply, if any.
  std::string csv;
  int64_t texts = 0;
  int64_t truncated = 0;  // texts longer than the model's max_length, cut
};

// Reads the texts of `path` as text::read_texts_to_score does (a .csv's `text_column`, or one
// text per line of any other file; its errors name the file and line) and labels them all.
TextFilePredictions predict_text_file(const text_model::TextClassifier& classifier, const std::string& path,
                                      const std::string& text_column);

}  // namespace deepfin::tasks
