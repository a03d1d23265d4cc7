#include "deepfin/tasks/text_predictions.h"

#include <fmt/format.h>

#include <vector>

#include "deepfin/text/texts_to_score.h"

namespace deepfin::tasks {
namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string quoted_if_needed(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

TextFilePredictions predict_text_file(const text_model::TextClassifier& classifier, const std::string& path,
                                      const std::string& text_column) {
  const text::TextsToScore texts = text::read_texts_to_score(path, text_column);
  TextFilePredictions out{.csv = "line,label,confidence,to_person,reply\n", .texts = texts.size(), .truncated = 0};
  const std::vector<text_model::Prediction> predictions = classifier.predict(texts.texts, &out.truncated);
  for (size_t i = 0; i < predictions.size(); ++i) {
    const text_model::Prediction& p = predictions[i];
    out.csv += fmt::format("{},{},{:.6f},{},{}\n", texts.lines[i], quoted_if_needed(p.label), p.confidence,
                           p.to_person ? "yes" : "no", quoted_if_needed(p.reply));
  }
  return out;
}

}  // namespace deepfin::tasks
