#pragma once
// What a job asks for, as typed values: the data, the model (the same
// {class_name, config} tree that save() writes), compile and fit options, and
// where outputs go. A job file (TOML, job_file.h) parses into a JobSpec once;
// C++ programs (and the Python module) may fill one in directly.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "deepfin/privacy/privacy_options.h"
#include "deepfin/train/checkpoint.h"
#include "deepfin/train/early_stopping.h"

namespace deepfin::tasks {

struct DataSpec {
  std::string source;       // "fashion_mnist" | "npy" | "npz" | "csv" | "arff" | "series" | "text"
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
  int64_t numeric_bins = 0;                  // > 0: piecewise-linear bins of each numeric column (see preprocessor.h)
  std::string numeric_scaling = "standard";  // or "quantile": normal scores through the training quantiles
};

// [decision] (tabular jobs): when a score means "adverse", and how scores map to points.
struct DecisionSpec {
  std::optional<double> threshold;   // absent: the threshold minimizing the expected cost on validation data
  std::string calibration = "none";  // "platt" | "isotonic": fitted on the validation part
  double cost_false_negative = 5.0;  // approving an applicant who defaults (German Credit's 5:1)
  double cost_false_positive = 1.0;  // declining one who would have repaid
  double base_score = 600, base_odds = 50, points_to_double_odds = 20;
};

// [fit]. Which data each epoch is validated on depends on the task. With `validation`
// unset, array jobs use Keras's last share when validation_split > 0, else the test set.
// Credit and text jobs hold out a stratified share, and forecast jobs Keras's last share,
// when validation_split > 0; otherwise they do not validate. "none" never validates,
// whatever validation_split says.
struct FitSpec {
  enum class Validation { task_default, test, split, none };
  int epochs = 1;
  int64_t batch_size = 32;
  bool shuffle = true;
  int verbose = 1;
  double validation_split = 0.0;
  Validation validation = Validation::task_default;
  bool balanced_class_weight = false;        // scikit-learn's n_samples / (n_classes * n_c)
  std::map<int64_t, double> class_weight{};  // explicit weights (when not balanced)
  std::optional<train::EarlyStoppingOptions> early_stopping{};
  // [fit] early_stopping = false: never stop early, not even where a task does by default.
  bool early_stopping_off = false;
  // [privacy]: DP-SGD (privacy/privacy_options.h); absent: ordinary training.
  std::optional<privacy::PrivacyOptions> privacy{};
  // [checkpoint]: checkpoints of the training fit, and resuming from them
  // (`deepfin train --resume` sets resume); absent: none.
  std::optional<train::CheckpointOptions> checkpoint{};
};

// The text part ([data] source = "text", [text]): which labelled texts to read,
// how the tokenizer is trained, and the confidence below which a message goes to a person.
struct TextSpec {
  // [data]
  std::string format = "csv";  // "csv" (text and label columns) | "phrasebank" (sentence@label lines)
  std::string train;           // file of training texts
  std::string test;            // optional file of test texts (an official split); else test_split of train
  std::string text_column = "text", label_column = "label";
  std::string encoding = "auto";  // "auto" (UTF-8 unless the file is not) | "utf-8" | "latin-1"; csv: utf-8
  double test_split = 0.2;        // stratified, when there is no test file
  // [text]
  int64_t vocab_size = 8000;
  int64_t min_frequency = 2;
  int64_t max_length = 64;
  bool lowercase = true;
  bool strip_accents = false;
  double confidence_threshold = 0.5;
  int64_t ngrams = 1;              // 2 or 3: hashed word n-grams appended to the tokens
  int64_t ngram_buckets = 100000;  // hash buckets for them
  int64_t ensemble = 1;            // models trained one after another (different initial weights and
                                   // shuffles), their probabilities averaged
  // With ensemble = k >= 2: member m holds out the m-th of k stratified folds of the
  // training texts (and stops early on it) instead of all members sharing one held-out
  // share. Together the members see every text, and a linear stack's blend is fitted on
  // every text's prediction by the member that did not train on it.
  bool cross_fit = false;
  // "stack": a linear model on word and character TF-IDF stacked with the neural
  // model, the mix fitted on the validation share; "none": the neural model alone.
  std::string linear = "none";
  // What the linear model's SVMs see: "tfidf" (the features), "nb" (scaled per class by
  // naive-Bayes ratios: NB-SVM) or "choose" (whichever its inner cross-validation prefers).
  std::string linear_features = "tfidf";
  // A ".cat" word-list file (text/lexicon.h), e.g. the Loughran–McDonald lists: the linear
  // model also sees each text's count of words per category. Empty: none.
  std::string lexicon;
  // [replies]: intent -> the reply a customer gets when the model is confident (customer-service
  // automation); below confidence_threshold the message goes to a person instead.
  std::map<std::string, std::string> replies{};
};

// The forecasting part ([data] source = "series", [features], [window],
// [backtest]): which price series to read, the causal features built from it,
// the windows a sequence model sees, and how the walk-forward backtest and the
// long/flat strategy run.
struct ForecastSpec {
  // [data]
  std::string path;
  std::string date_column;           // empty: the first column
  std::vector<std::string> columns;  // value columns read (empty: all); features are built for each
  std::string target;                // the series to forecast (one of columns)
  std::string missing = "drop";      // "drop" | "ffill"
  std::string date_format = "iso";   // "iso" | "decimal_year"
  std::string date_order = "error";  // "error" | "drop"
  std::string encoding = "utf-8";    // "utf-8" | "latin-1" (the CSV reader's encodings)
  // [features] (per column, from log returns; all causal)
  std::vector<int64_t> rolling_mean;        // windows of the rolling mean of log returns
  std::vector<int64_t> rolling_volatility;  // windows of the rolling std of log returns
  // [window]
  int64_t sequence_length = 60;
  int64_t horizon = 1;  // forecast the log return from t to t + horizon
  // What is forecast: "return" (the log return over the horizon) or "variance" (the realized
  // variance of the next `horizon` returns, as a log-variance against the EWMA's forecast,
  // trained with loss = "qlike" and judged against EWMA and GARCH(1,1)).
  std::string target_kind = "return";
  // [backtest]
  double test_fraction = 0.2;        // the last share of the series is the test span
  std::string window = "expanding";  // "expanding" | "rolling"
  int64_t rolling_size = 0;          // rolling: training samples
  int64_t retrain_every = 63;        // k: refit after every k test points
  double cost_bps = 5.0;             // transaction cost per unit of position change, basis points
  double threshold = 0.0;            // long when the forecast log return exceeds this
  int periods_per_year = 252;
  // Whether the target can be bought at its quoted level. Unset: an ADF test decides whether
  // to warn (a mean-reverting level, such as a volatility index or a rate, is not a price).
  std::optional<bool> tradable;
  double significance = 0.05;                   // the level of every "beats / ties / loses"
  double ewma_lambda = 0.94;                    // RiskMetrics decay of the EWMA baseline (variance target)
  std::vector<double> var_levels{0.99, 0.975};  // VaR/ES levels backtested (variance target, horizon 1)
  // How a variance forecast becomes a VaR: "filtered_historical" scales each forecaster's own
  // standardized returns before the test span (fat tails measured); "gaussian" assumes normal ones.
  std::string var_method = "filtered_historical";
};

// One protected attribute of [fairness]: the column, and how its values form the groups
// measured. Without a grouping each distinct value is a group.
struct ProtectedAttribute {
  std::string column{};
  std::vector<double> bands{};                  // numeric cut points: [25, 35] -> "<25", "25-35", ">=35"
  std::map<std::string, std::string> groups{};  // value -> group (e.g. personal_status -> sex)
};

// [fairness] (credit jobs): attributes a lender may not decide on, how they are
// kept out of the model and measured, and the one mitigation offered.
struct FairnessSpec {
  std::vector<ProtectedAttribute> attributes;
  std::string use = "exclude";      // "exclude": not model inputs, measured only | "monitor": inputs, never cited
  double proxy_threshold = 0.3;     // Cramer's V at or above which an input is flagged as a proxy
  std::string mitigation = "none";  // "reweighing" (Kamiran & Calders 2012)
  int bootstrap = 200;              // resamples for the confidence intervals
  int64_t min_group_rows = 20;      // fewer held-out rows in a group: named with its count, not measured
  bool enabled() const { return !attributes.empty(); }
  bool excluded(const std::string& column) const;
};

struct OutputSpec {
  std::string model;        // .safetensors path; empty: not saved
  std::string predictions;  // test-set predictions (.npy, or .csv for credit and forecast jobs); empty: none
  std::string history_csv;  // per-epoch log; empty: none
  std::string report;       // report folder; empty: report/<job name>
  // False on the ranks other than 0 of a data-parallel run (without_outputs()):
  // rank 0 writes for the run, the others write nothing.
  bool write = true;
};

// [tune] (deepfin tune): the hyper-parameter search. `space` maps dotted paths into the
// job (model.config.layers.0.config.units, compile.optimizer.config.learning_rate,
// fit.epochs) to a list of choices or a table {log_uniform | uniform | int_uniform = [lo, hi]};
// empty: the task's default space.
struct TuneSpec {
  std::string metric;   // empty: the task's (credit: auc)
  int trials = 20;      // configurations sampled per search
  int folds = 3;        // inner cross-validation folds scoring a configuration
  int outer_folds = 5;  // nested cross-validation: the score reported is from folds the search never saw
  int eta = 3;          // successive halving keeps the best 1/eta after the first fold
  nlohmann::json space = nlohmann::json::object();
};

struct JobSpec {
  std::filesystem::path file;  // the job file, or a name for a job built in code
  DataSpec data;
  nlohmann::json model;    // {"class_name": "Sequential", "config": {"layers": [...]}}
  nlohmann::json compile;  // {"optimizer": ..., "loss": ..., "metrics": [...]}
  FitSpec fit;
  OutputSpec output;
  PreprocessSpec preprocess;
  DecisionSpec decision;
  ForecastSpec forecast;                             // source = "series"
  TextSpec text;                                     // source = "text"
  FairnessSpec fairness;                             // [fairness] (credit jobs)
  std::map<std::string, std::string> reasons;        // [reasons]: input column -> adverse-action wording
  nlohmann::json floors = nlohmann::json::object();  // [floors] metric -> "0.788 (logistic regression)", for reports
  TuneSpec tune;                                     // [tune]
  std::optional<uint64_t> seed;
  std::optional<int> threads;

  // [output] report, else report/<job file name without extension>.
  std::string report_dir() const;
  // The floor a job names for a metric, as text ("" when none).
  std::string floor_of(const std::string& metric) const;
};

}  // namespace deepfin::tasks
