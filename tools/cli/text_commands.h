#pragma once
// Subcommand bodies for text jobs and models.
#include <cstdint>
#include <utility>
#include <vector>

#include "deepfin/core/random.h"
#include "deepfin/nn/layer.h"
#include "deepfin/text/readers.h"
#include "job_file.h"
#include "run_context.h"

namespace deepfin::cli {

// The job's training and test texts: its test file, or a stratified share of the training file.
std::pair<text::LabelledText, text::LabelledText> load_text_split(const TextSpec& spec, uint64_t seed);
// deepfin train on a text job.
int run_train_text(const RunContext& ctx, const JobSpec& job, uint64_t seed);

struct CvTextResult {
  std::vector<double> accuracy, macro_f1;  // per fold
};
// Stratified k-fold CV over the job's training file; each fold trains its own tokenizer and model.
CvTextResult cross_validate_text(const RunContext& ctx, const JobSpec& job, int folds, uint64_t seed);

}  // namespace deepfin::cli
