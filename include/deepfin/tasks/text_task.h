#pragma once
// The text task (financial text analysis, customer-service routing): labelled
// texts in, a TextClassifier out. It owns the recipe every front door shares:
// the tokenizer trained on the training texts only, the vocabulary and class
// count filled into the model, "balanced" class weights, a stratified
// validation part, ensembles, and accuracy / macro-F1 / per-class report on
// held-out texts, with k-fold cross-validation and the Markdown report.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/metrics/classification.h"
#include "deepfin/tasks/fold_summary.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/tasks/progress.h"
#include "deepfin/text/lexicon.h"
#include "deepfin/text/readers.h"
#include "deepfin/text_model/text_classifier.h"
#include "deepfin/train/callback.h"

namespace deepfin::tasks {

// Accuracies of a fit on its own rows and on its validation share (the
// train/validation gap), and, with a stacked linear model, of each part alone.
struct TextValidation {
  int64_t rows = 0;  // held-out texts; 0: there was no validation share
  double train_accuracy = 0, accuracy = 0;
  double neural_accuracy = 0, linear_accuracy = 0;  // with a linear model only
};

struct TextFit {
  text_model::TextClassifier classifier;
  train::History history;  // of the first ensemble member
  int64_t truncated = 0;   // training texts cut to max_length
  TextValidation validation{};
};

struct TextSplit {
  text::LabelledText train, test;
};

struct TextCvResult {
  std::vector<double> accuracy, macro_f1;  // per fold
  MeanStd accuracy_summary, macro_f1_summary;
  // With [text] linear = "stack": the test accuracy of each part alone, per fold.
  std::vector<double> neural_accuracy, linear_accuracy;
  MeanStd neural_summary{}, linear_summary{};
};

class TextTask {
 public:
  // ConfigError unless the job's data is text; FileError naming an unreadable [text] lexicon.
  explicit TextTask(JobSpec job);
  // The same task on texts already in memory (lists from Python) instead of the
  // job's files: they are what split() divides and cross_validate() folds.
  TextTask(JobSpec job, text::LabelledText texts);
  const JobSpec& job() const { return job_; }

  // The texts of one file (csv or phrasebank format, as [data] says).
  text::LabelledText read(const std::string& path) const;
  // The job's training and test texts: its test file, or a stratified share of the training file
  // (or of the texts given).
  TextSplit split(uint64_t seed) const;

  // Trains the tokenizer on `train` texts, fills the first Embedding's input_dim and
  // the last Dense's units when the job leaves them 0, and fits the model ([text]
  // ensemble > 1: that many models, averaged). [text] linear = "stack" also fits the
  // linear TF-IDF model and its blend on the validation share ([fit]
  // validation_split, or 0.1 when that is 0), then refits the linear model on every
  // training text. verbose overrides [fit] verbose if >= 0.
  TextFit fit(const text::LabelledText& train, int verbose = -1) const;

  // ConfigError naming the file and line of a test label the model never saw.
  metrics::ClassReport evaluate(const text_model::TextClassifier& classifier, const text::LabelledText& test) const;

  // Stratified k-fold cross-validation over the training file; each fold trains
  // its own tokenizer and model from seed + k.
  TextCvResult cross_validate(int folds, uint64_t seed, const Progress& progress = {}) const;

  // report.md and confusion.png in `dir` (made if missing).
  void write_report(const std::string& dir, const TextSplit& split, const metrics::ClassReport& report) const;

  // The texts given, or the job's training file: what cross_validate() folds and tune searches on.
  text::LabelledText training_texts() const;

 private:
  JobSpec job_;
  std::optional<text::LabelledText> texts_;
  std::optional<text::Lexicon> lexicon_;  // [text] lexicon, read once for every fit
};

// The rows `rows` of `all`, in that order.
text::LabelledText select_texts(const text::LabelledText& all, const std::vector<int64_t>& rows);

}  // namespace deepfin::tasks
