#pragma once
// Every fuzz target, one per parser (fuzz/targets/<name>.cpp, corpus in
// fuzz/corpus/<name>/). The replay test checks this list against the corpus folders.
#include <cstddef>
#include <cstdint>

#include "fuzz_target.h"

#define DEEPFIN_FUZZ_TARGET_LIST(X)                                                                    \
  X(arff)                                                                                              \
  X(csv)                                                                                               \
  X(idx) X(job_toml) X(model_attachments) X(npy) X(npz) X(phrasebank) X(safetensors) X(timeseries_csv) \
      X(tokenizer_json)

#define DEEPFIN_DECLARE_FUZZ_TARGET(name) DEEPFIN_FUZZ_TARGET(name);
DEEPFIN_FUZZ_TARGET_LIST(DEEPFIN_DECLARE_FUZZ_TARGET)
#undef DEEPFIN_DECLARE_FUZZ_TARGET
