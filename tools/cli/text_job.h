#pragma once
// The text path of a job file: read labelled texts, train the tokenizer and the
// model on the training texts only, and score held-out texts with accuracy,
// macro-F1, per-class precision/recall and a confusion matrix.
#include <string>

#include "deepfin/metrics/classification.h"
#include "deepfin/text/readers.h"
#include "deepfin/text_model/text_classifier.h"
#include "deepfin/train/callback.h"
#include "job_file.h"

namespace deepfin::cli {

// The texts of one file of the job (csv or phrasebank format).
text::LabelledText read_labelled(const TextSpec& spec, const std::string& path);
// The rows `rows` of `all`, in that order.
text::LabelledText select_texts(const text::LabelledText& all, const std::vector<int64_t>& rows);
// Class ids of `labels` under a label set fitted on them (sorted names), for stratification.
std::vector<int64_t> label_classes(const std::vector<std::string>& labels);

struct TextFit {
  text::TextClassifier classifier;
  train::History history;
  int64_t truncated = 0;  // training texts cut to max_length
};
// Trains the tokenizer on `train` texts, fills the first Embedding's input_dim and
// the last Dense's units when the job leaves them 0, and fits the model ([text]
// ensemble > 1: that many models, averaged; `history` is the first one's).
TextFit fit_text(const JobSpec& job, const text::LabelledText& train, int verbose);

// ConfigError naming the file and line of a test label the model never saw.
metrics::ClassReport evaluate_text(const text::TextClassifier& classifier, const text::LabelledText& test);

}  // namespace deepfin::cli
