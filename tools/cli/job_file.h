#pragma once
// A job file (TOML) says what to train: the data, the model as the same
// {class_name, config} tree that save() writes, compile and fit options, and
// where outputs go. Every key is checked: a typo is an error, not a silent default.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace deepfin::cli {

struct DataSpec {
  std::string source;       // "fashion_mnist" | "npy" | "npz"
  std::string x, y;         // npy: file paths; npz: member names (default "x", "y")
  std::string path;         // npz: archive path; fashion_mnist: package directory override
  double test_split = 0.2;  // npy/npz: share held out as the test set
  bool stratify = false;
  bool one_hot = true;       // integer labels -> one-hot (categorical_crossentropy)
  bool normalize = true;     // fashion_mnist: scale pixels to [0, 1]
  int64_t limit_train = -1;  // use only the first N training samples (quick runs)
  int64_t limit_test = -1;
};

struct OutputSpec {
  std::string model;        // .safetensors path; empty: not saved
  std::string predictions;  // .npy of test-set predictions; empty: not written
  std::string history_csv;  // per-epoch log; empty: none
};

struct JobSpec {
  std::filesystem::path file;
  DataSpec data;
  nlohmann::json model;    // {"class_name": "Sequential", "config": {"layers": [...]}}
  nlohmann::json compile;  // {"optimizer": ..., "loss": ..., "metrics": [...]}
  nlohmann::json fit;      // {"epochs", "batch_size", "validation", "shuffle", "verbose", ...}
  OutputSpec output;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
};

// Parses and validates a job file. Errors (ConfigError / FileError) name the
// file, the line where TOML reports one, and the offending key.
JobSpec load_job_file(const std::string& path);
// Same, from TOML text (for tests); `name` is used in messages.
JobSpec parse_job(const std::string& toml_text, const std::string& name);

}  // namespace deepfin::cli
