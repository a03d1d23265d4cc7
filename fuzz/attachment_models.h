#pragma once
// Two small valid model files, made once per process, whose task attachment a fuzz
// input replaces: a credit model (TabularModel, attachment "tabular") and a text
// model (TextClassifier, attachment "text").
#include <string_view>

namespace deepfin::fuzz {

enum class AttachmentKind { tabular, text };

// Writes the base model with `json_text` as its attachment, loads it as its task
// and predicts one row or message.
void load_with_attachment(AttachmentKind kind, std::string_view json_text);

}  // namespace deepfin::fuzz
