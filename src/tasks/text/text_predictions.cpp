#include "deepfin/tasks/text_predictions.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"

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

std::string text_predictions_csv(const text::TextsToScore& texts,
                                 const std::vector<text_model::Prediction>& predictions) {
  if (predictions.size() != texts.texts.size())
    throw ValueError(
        fmt::format("text_predictions_csv: {} predictions for {} texts", predictions.size(), texts.texts.size()));
  std::string csv = "line,label,confidence,to_person,reply\n";
  for (size_t i = 0; i < predictions.size(); ++i) {
    const text_model::Prediction& p = predictions[i];
    csv += fmt::format("{},{},{:.6f},{},{}\n", texts.lines[i], quoted_if_needed(p.label), p.confidence,
                       p.to_person ? "yes" : "no", quoted_if_needed(p.reply));
  }
  return csv;
}

}  // namespace deepfin::tasks
