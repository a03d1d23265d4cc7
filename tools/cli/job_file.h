#pragma once
// A job file (TOML) says what to train: the data, the model as the same
// {class_name, config} tree that save() writes, compile and fit options, and
// where outputs go. Every key is checked: a typo is an error, not a silent default.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "forecast_spec.h"
#include "text_spec.h"

namespace deepfin::cli {

struct DataSpec {
  std::string source;       // "fashion_mnist" | "npy" | "npz" | "csv" | "arff"
  std::string x, y;         // npy: file paths; npz: member names (default "x", "y")
  std::string path;         // npz: archive path; fashion_mnist: package directory override
  double test_split = 0.2;  // npy/npz: share held out as the test set
  bool stratify = false;
  bool one_hot = true;       // integer labels -> one-hot (categorical_crossentropy)
  bool normalize = true;     // fashion_mnist: scale pixels to [0, 1]
  int64_t limit_train = -1;  // use only the first N training samples (quick runs)
  int64_t limit_test = -1;
  // csv / arff (tabular): path is the file; the label column and the value that
  // means positive (adverse: bad, default); columns to leave out or keep;
  // kind overrides (numeric | categorical | boolean); how cells are read.
  std::string target, positive_label;
  std::vector<std::string> drop, keep;
  std::map<std::string, std::string> kinds;
  std::vector<std::string> missing_values = {"", "NA"};
  std::string delimiter = ",";
  std::string encoding = "utf-8";

  bool tabular() const { return source == "csv" || source == "arff"; }
  bool series() const { return source == "series"; }
  bool text() const { return source == "text"; }
};

// [preprocess] (tabular jobs): fitted on the training part only.
struct PreprocessSpec {
  std::string categorical = "one_hot";  // or "embedding" (a CategoricalEmbedding layer is put first)
  std::string imputation = "median";    // or "mean"
  bool missing_indicators = true;
};

// [decision] (tabular jobs): when a score means "adverse", and how scores map to points.
struct DecisionSpec {
  std::optional<double> threshold;   // absent: the threshold minimizing the expected cost on validation data
  std::string calibration = "none";  // "platt" | "isotonic": fitted on the validation part
  double cost_false_negative = 5.0;  // approving an applicant who defaults (German Credit's 5:1)
  double cost_false_positive = 1.0;  // declining one who would have repaid
  double base_score = 600, base_odds = 50, points_to_double_odds = 20;
};

struct OutputSpec {
  std::string model;        // .safetensors path; empty: not saved
  std::string predictions;  // .npy of test-set predictions; empty: not written
  std::string history_csv;  // per-epoch log; empty: none
  std::string report;       // tabular: directory for `deepfin report`; empty: report/<job name>
};

struct JobSpec {
  std::filesystem::path file;
  DataSpec data;
  nlohmann::json model;    // {"class_name": "Sequential", "config": {"layers": [...]}}
  nlohmann::json compile;  // {"optimizer": ..., "loss": ..., "metrics": [...]}
  nlohmann::json fit;      // {"epochs", "batch_size", "validation", "shuffle", "verbose", ...}
  OutputSpec output;
  PreprocessSpec preprocess;
  DecisionSpec decision;
  ForecastSpec forecast;                             // source = "series": [data], [features], [window], [backtest]
  TextSpec text;                                     // source = "text": [data], [text]
  nlohmann::json floors = nlohmann::json::object();  // [floors] metric -> "0.788 (logistic regression)", for reports
  std::optional<uint64_t> seed;
  std::optional<int> threads;
};

// Parses and validates a job file. Errors (ConfigError / FileError) name the
// file, the line where TOML reports one, and the offending key.
JobSpec load_job_file(const std::string& path);
// Same, from TOML text (for tests); `name` is used in messages.
JobSpec parse_job(const std::string& toml_text, const std::string& name);

}  // namespace deepfin::cli
