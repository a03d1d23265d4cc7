#include "deepfin/tasks/job_file.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/tasks/model_factory.h"

namespace deepfin::tasks {
namespace {

const char* kMinimal = R"(
[data]
source = "npy"
x = "x.npy"
y = "y.npy"
[model]
class_name = "Sequential"
config = { layers = [] }
[compile]
loss = "mse"
)";

std::string error_of(const std::string& text) {
  try {
    parse_job(text, "job.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(JobFile, ParsesAMinimalJob) {
  JobSpec job = parse_job(kMinimal, "job.toml");
  EXPECT_EQ(job.data.source, "npy");
  EXPECT_EQ(job.data.x, "x.npy");
  EXPECT_DOUBLE_EQ(job.data.test_split, 0.2);
  EXPECT_EQ(job.model["class_name"], "Sequential");
  EXPECT_EQ(job.compile["loss"], "mse");
  EXPECT_FALSE(job.seed.has_value());
}

TEST(JobFile, SyntaxErrorsNameFileLineAndColumn) {
  const std::string msg = error_of("[data]\nsource = \n");
  EXPECT_NE(msg.find("job.toml:2:"), std::string::npos) << msg;
}

TEST(JobFile, EmptyAndNonUtf8JobsAreNamed) {
  EXPECT_NE(error_of("").find("job.toml: missing required table [data]"), std::string::npos);
  const std::string latin1 = error_of("[data]\nsource = \"np\xff\"\n");
  EXPECT_NE(latin1.find("job.toml:2:"), std::string::npos) << latin1;
}

TEST(JobFile, TextSizesBeyondTheLimitsAreRefused) {
  const std::string text_job =
      "[data]\nsource = \"text\"\ntrain = \"t.csv\"\n[model]\nclass_name = \"Sequential\"\n"
      "config = { layers = [] }\n[compile]\nloss = \"mse\"\n[text]\n";
  EXPECT_NE(error_of(text_job + "max_length = 100000\n").find("max_length 100000 or vocab_size"), std::string::npos);
  EXPECT_NE(error_of(text_job + "vocab_size = 100000000\n").find("vocab_size 100000000"), std::string::npos);
  EXPECT_NE(error_of(text_job + "linear = \"svm\"\n").find("[text] linear must be \"none\" or \"stack\", got \"svm\""),
            std::string::npos);
}

// Found by fuzzing: a table where a string belongs escaped as nlohmann's type_error.
TEST(JobFile, ModelAndCompileValuesOfTheWrongTypeAreConfigErrors) {
  const auto config_error = [](const std::function<void()>& fn) {
    try {
      fn();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no ConfigError)");
  };
  EXPECT_NE(config_error([] {
              model_from_json({{"class_name", {{"units", 16}}}, {"config", nlohmann::json::object()}});
            }).find("[model] class_name {\"units\":16} is not a model class"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              model_from_json({{"class_name", "Sequential"}, {"config", {{"name", 3}}}});
            }).find("Sequential: name or build_input_shape has the wrong type"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              compile_options_from_json({{"loss", "mse"}, {"metrics", {1, 2}}});
            }).find("[compile] has a value of the wrong type"),
            std::string::npos);
}

TEST(JobFile, AValueOfTheWrongTypeAnywhereIsAConfigError) {
  // Found by fuzzing: source = {} escaped as nlohmann's type_error.
  const std::string job =
      "[data]\nsource = {}\n[model]\nclass_name = \"Sequential\"\nconfig = { layers = [] }\n[compile]\nloss = "
      "\"mse\"\n";
  EXPECT_NE(error_of(job).find("[data] source has the wrong type"), std::string::npos) << error_of(job);
}

TEST(JobFile, WholeFloatsBeyondTheIntegerRangeAreRefused) {
  // 1e10 epochs is whole but not an int: the cast would be undefined behaviour.
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nepochs = 1e10\n").find("[fit] epochs is out of range"),
            std::string::npos);
  EXPECT_NE(error_of("seed = -1.0\n" + std::string(kMinimal)).find("seed must not be negative"), std::string::npos);
}

TEST(JobFile, FitIsReadIntoTypedValues) {
  const JobSpec job = parse_job(std::string(kMinimal) +
                                    "[fit]\nepochs = 3\nbatch_size = 8\nvalidation = \"none\"\n"
                                    "class_weight = { \"0\" = 1.0, \"1\" = 4.5 }\n"
                                    "early_stopping = { patience = 2, monitor = \"val_auc\" }\n",
                                "job.toml");
  EXPECT_EQ(job.fit.epochs, 3);
  EXPECT_EQ(job.fit.batch_size, 8);
  EXPECT_EQ(job.fit.validation, FitSpec::Validation::none);
  EXPECT_EQ(job.fit.class_weight, (std::map<int64_t, double>{{0, 1.0}, {1, 4.5}}));
  EXPECT_FALSE(job.fit.balanced_class_weight);
  ASSERT_TRUE(job.fit.early_stopping.has_value());
  EXPECT_EQ(job.fit.early_stopping->patience, 2);
  EXPECT_EQ(job.fit.early_stopping->monitor, "val_auc");
  EXPECT_TRUE(
      parse_job(std::string(kMinimal) + "[fit]\nclass_weight = \"balanced\"\n", "job.toml").fit.balanced_class_weight);
  // early_stopping = true is Keras's on val_loss with patience 2 and the best weights; false turns off a task's
  // default.
  const FitSpec on = parse_job(std::string(kMinimal) + "[fit]\nearly_stopping = true\n", "job.toml").fit;
  ASSERT_TRUE(on.early_stopping.has_value());
  EXPECT_EQ(on.early_stopping->patience, 2);
  EXPECT_TRUE(on.early_stopping->restore_best_weights);
  const FitSpec off = parse_job(std::string(kMinimal) + "[fit]\nearly_stopping = false\n", "job.toml").fit;
  EXPECT_FALSE(off.early_stopping.has_value());
  EXPECT_TRUE(off.early_stopping_off);
}

TEST(JobFile, FitMistakesNameTheFileAndTheKey) {
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nvalidation = \"train\"\n")
                .find("job.toml: [fit] validation must be \"test\", \"split\" or \"none\""),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nclass_weight = { bad = 1.0 }\n")
                .find("job.toml: [fit] class_weight keys must be class numbers"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nclass_weight = \"even\"\n").find("\"balanced\""),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nbatch_size = 0\n").find("must be positive"), std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nvalidation_split = 1.0\n").find("validation_split must lie"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "[fit]\nearly_stopping = \"yes\"\n")
                .find("job.toml: [fit] early_stopping must be a table, true or false"),
            std::string::npos);
}

TEST(JobFile, UnknownKeysAreErrors) {
  const std::string msg = error_of(std::string(kMinimal) + "[fit]\nepoch = 3\n");
  EXPECT_NE(msg.find("unknown key 'epoch'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("epochs"), std::string::npos) << msg;  // the known keys are listed
}

TEST(JobFile, MissingTablesAndBadValuesAreNamed) {
  EXPECT_NE(error_of("[data]\nsource = \"npy\"\n").find("[model]"), std::string::npos);
  EXPECT_NE(
      error_of("[data]\nsource = \"parquet\"\n[model]\nclass_name=\"Sequential\"\nconfig={}\n[compile]\nloss=\"mse\"\n")
          .find("source must be"),
      std::string::npos);
  std::string bad_split = kMinimal;
  bad_split.replace(bad_split.find("y = \"y.npy\""), 11, "y = \"y.npy\"\ntest_split = 1.5");
  EXPECT_NE(error_of(bad_split).find("test_split"), std::string::npos);
}

const char* kTabular = R"(
[data]
source = "csv"
path = "credit.csv"
target = "class"
positive_label = "bad"
kinds = { age = "numeric", job = "categorical" }
[preprocess]
categorical = "embedding"
[model]
class_name = "Sequential"
config = { layers = [] }
[compile]
loss = "binary_crossentropy"
[decision]
threshold = 0.3
cost_false_negative = 4.0
)";

TEST(JobFile, ParsesATabularJob) {
  JobSpec job = parse_job(kTabular, "job.toml");
  EXPECT_TRUE(job.data.tabular());
  EXPECT_TRUE(job.data.stratify);  // tabular splits are stratified unless the job says otherwise
  EXPECT_EQ(job.data.target, "class");
  EXPECT_EQ(job.data.kinds.at("job"), "categorical");
  EXPECT_EQ(job.preprocess.categorical, "embedding");
  ASSERT_TRUE(job.decision.threshold.has_value());
  EXPECT_DOUBLE_EQ(*job.decision.threshold, 0.3);
  EXPECT_DOUBLE_EQ(job.decision.cost_false_negative, 4.0);
  EXPECT_DOUBLE_EQ(job.decision.cost_false_positive, 1.0);
}

TEST(JobFile, TabularMistakesAreNamed) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string text = kTabular;
    text.replace(text.find(from), from.size(), to);
    return error_of(text);
  };
  EXPECT_NE(with("target = \"class\"\n", "").find("needs path"), std::string::npos);
  EXPECT_NE(with("job = \"categorical\"", "job = \"text\"").find("[data.kinds] job"), std::string::npos);
  EXPECT_NE(with("categorical = \"embedding\"", "categorical = \"hash\"").find("[preprocess] categorical"),
            std::string::npos);
  EXPECT_NE(
      with("categorical = \"embedding\"", "numeric_bins = 1").find("numeric_bins must be 0 (off) or lie in [2, 256]"),
      std::string::npos);
  EXPECT_EQ(parse_job(std::string(kTabular).replace(std::string(kTabular).find("categorical = \"embedding\""), 25,
                                                    "numeric_bins = 8"),
                      "job.toml")
                .preprocess.numeric_bins,
            8);
  EXPECT_NE(with("categorical = \"embedding\"", "numeric_scaling = \"robust\"")
                .find("[preprocess] numeric_scaling must be \"standard\" or \"quantile\", got \"robust\""),
            std::string::npos);
  EXPECT_EQ(parse_job(std::string(kTabular).replace(std::string(kTabular).find("categorical = \"embedding\""), 25,
                                                    "numeric_scaling = \"quantile\""),
                      "job.toml")
                .preprocess.numeric_scaling,
            "quantile");
  EXPECT_NE(with("threshold = 0.3", "threshold = 1.5").find("[decision] threshold"), std::string::npos);
  EXPECT_NE(with("threshold = 0.3", "thresold = 0.3").find("unknown key 'thresold'"), std::string::npos);
  // Tabular tables in a job on arrays are mistakes, not silently ignored.
  EXPECT_NE(error_of(std::string(kMinimal) + "[decision]\nthreshold = 0.5\n").find("csv and arff"), std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal).replace(std::string(kMinimal).find("y = \"y.npy\""), 11,
                                                   "y = \"y.npy\"\ntarget = \"t\""))
                .find("csv and arff data only"),
            std::string::npos);
}

const char* kSeries = R"(
[data]
source = "series"
path = "prices.csv"
target = "close"
date_order = "drop"
[features]
rolling_mean = [5]
[window]
sequence_length = 30
[backtest]
window = "rolling"
rolling_size = 500
retrain_every = 21
[model]
class_name = "Sequential"
config = { layers = [] }
[compile]
loss = "mse"
)";

TEST(JobFile, ParsesASeriesJob) {
  const JobSpec job = parse_job(kSeries, "job.toml");
  EXPECT_TRUE(job.data.series());
  EXPECT_EQ(job.forecast.target, "close");
  EXPECT_EQ(job.forecast.date_order, "drop");
  EXPECT_EQ(job.forecast.sequence_length, 30);
  EXPECT_EQ(job.forecast.horizon, 1);
  EXPECT_EQ(job.forecast.window, "rolling");
  EXPECT_EQ(job.forecast.rolling_size, 500);
  EXPECT_EQ(job.forecast.retrain_every, 21);
  EXPECT_DOUBLE_EQ(job.forecast.test_fraction, 0.2);
}

TEST(JobFile, SeriesMistakesAreNamed) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string text = kSeries;
    text.replace(text.find(from), from.size(), to);
    return error_of(text);
  };
  EXPECT_NE(with("rolling_size = 500", "").find("rolling_size >= 1"), std::string::npos);
  EXPECT_NE(with("retrain_every = 21", "retrain_evry = 21").find("unknown key 'retrain_evry'"), std::string::npos);
  EXPECT_NE(with("date_order = \"drop\"", "date_order = \"sort\"").find("[data] date_order"), std::string::npos);
  EXPECT_NE(with("sequence_length = 30", "sequence_length = 0").find("[window]"), std::string::npos);
  EXPECT_NE(with("target = \"close\"\n", "").find("needs path"), std::string::npos);
  EXPECT_NE(error_of(std::string(kMinimal) + "[window]\nsequence_length = 5\n").find("series data only"),
            std::string::npos);
}

TEST(JobFile, RiskKeysOfASeriesJob) {
  auto with = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  const std::string variance_job = with(kSeries, "sequence_length = 30", "sequence_length = 30\ntarget = \"variance\"");
  const JobSpec variance =
      parse_job(with(with(variance_job, "sequence_length = 30", "sequence_length = 30\nhorizon = 5"),
                     "retrain_every = 21", "ewma_lambda = 0.97\nvar_levels = [0.99]\nsignificance = 0.01"),
                "job.toml");
  EXPECT_EQ(variance.forecast.target_kind, "variance");
  EXPECT_EQ(variance.forecast.horizon, 5);
  EXPECT_DOUBLE_EQ(variance.forecast.ewma_lambda, 0.97);
  EXPECT_EQ(variance.forecast.var_levels, std::vector<double>{0.99});
  EXPECT_DOUBLE_EQ(variance.forecast.significance, 0.01);
  EXPECT_EQ(variance.forecast.var_method, "filtered_historical");  // the default
  EXPECT_EQ(
      parse_job(with(variance_job, "retrain_every = 21", "var_method = \"gaussian\""), "job.toml").forecast.var_method,
      "gaussian");
  const JobSpec prices = parse_job(with(kSeries, "retrain_every = 21", "tradable = false"), "job.toml");
  ASSERT_TRUE(prices.forecast.tradable.has_value());
  EXPECT_FALSE(*prices.forecast.tradable);
  EXPECT_FALSE(parse_job(kSeries, "job.toml").forecast.tradable.has_value());

  auto series_error = [&](const std::string& from, const std::string& to) { return error_of(with(kSeries, from, to)); };
  EXPECT_NE(series_error("sequence_length = 30", "target = \"vol\"").find("[window] target"), std::string::npos);
  EXPECT_NE(series_error("retrain_every = 21", "significance = 0.7").find("significance must lie in (0, 0.5)"),
            std::string::npos);
  EXPECT_NE(series_error("retrain_every = 21", "ewma_lambda = 0.9").find("apply to [window] target = \"variance\""),
            std::string::npos);
  auto variance_error = [&](const std::string& line) {
    return error_of(with(variance_job, "retrain_every = 21", line));
  };
  EXPECT_NE(variance_error("var_levels = [0.5]").find("var_levels must lie in [0.9, 1)"), std::string::npos);
  EXPECT_NE(variance_error("ewma_lambda = 1.0").find("ewma_lambda must lie in (0, 1)"), std::string::npos);
  EXPECT_NE(variance_error("var_method = \"student\"").find("[backtest] var_method"), std::string::npos);
  EXPECT_NE(series_error("retrain_every = 21", "var_method = \"gaussian\"").find("var_method apply to [window] target"),
            std::string::npos);
  EXPECT_NE(variance_error("threshold = 0.001").find("apply to return forecasts"), std::string::npos);
  EXPECT_NE(variance_error("tradable = true").find("apply to return forecasts"), std::string::npos);
}

TEST(JobFile, MissingFileIsAFileError) {
  EXPECT_THROW(load_job_file("/nonexistent/job.toml"), FileError);
}

}  // namespace
}  // namespace deepfin::tasks

namespace deepfin::tasks {
namespace {

TEST(JobFilePrivacy, ReadsThePrivacyTable) {
  const JobSpec job = parse_job(std::string("seed = 9\n") + kMinimal +
                                    "[privacy]\nepsilon = 3.0\ndelta = 1e-6\nmax_grad_norm = 0.5\nclipping = "
                                    "\"per_layer\"\nsampling = \"shuffle\"\nsecure_rng = false\n",
                                "job.toml");
  ASSERT_TRUE(job.fit.privacy.has_value());
  const privacy::PrivacyOptions& p = *job.fit.privacy;
  EXPECT_DOUBLE_EQ(*p.epsilon, 3.0);
  EXPECT_FALSE(p.noise_multiplier.has_value());
  EXPECT_DOUBLE_EQ(p.delta, 1e-6);
  EXPECT_DOUBLE_EQ(p.max_grad_norm, 0.5);
  EXPECT_EQ(p.clipping, privacy::Clipping::per_layer);
  EXPECT_EQ(p.sampling, privacy::Sampling::shuffle);
  EXPECT_FALSE(p.secure_rng);
  EXPECT_EQ(p.seed, 9u);
  // Defaults: OpenSSL noise, Poisson sampling, flat clipping at 1.
  const JobSpec plain = parse_job(std::string(kMinimal) + "[privacy]\nnoise_multiplier = 1.1\n", "job.toml");
  EXPECT_TRUE(plain.fit.privacy->secure_rng);
  EXPECT_EQ(plain.fit.privacy->sampling, privacy::Sampling::poisson);
  EXPECT_EQ(plain.fit.privacy->clipping, privacy::Clipping::flat);
  EXPECT_DOUBLE_EQ(plain.fit.privacy->max_grad_norm, 1.0);
  EXPECT_FALSE(parse_job(kMinimal, "job.toml").fit.privacy.has_value());
}

TEST(JobFilePrivacy, BadSettingsAreNamed) {
  const std::string job = std::string(kMinimal) + "[privacy]\n";
  auto refused = [&](const std::string& table, const std::string& needle) {
    const std::string msg = error_of(job + table);
    EXPECT_NE(msg.find("job.toml: [privacy]"), std::string::npos) << table << " -> " << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << table << " -> " << msg;
  };
  refused("epsilon = 0\n", "epsilon");
  refused("epsilon = -2\n", "epsilon");
  refused("noise_multiplier = 0\n", "noise multiplier");
  refused("epsilon = 1\ndelta = 1.5\n", "delta");
  refused("epsilon = 1\ndelta = 0\n", "delta");
  refused("epsilon = 1\nmax_grad_norm = -1\n", "max_grad_norm");
  refused("epsilon = 1\nsampling = \"random\"\n", "sampling 'random'");
  refused("epsilon = 1\nclipping = \"adaptive\"\n", "clipping 'adaptive'");
  refused("epsilon = 1\naccountant = \"gdp\"\n", "accountant 'gdp'");
  refused("delta = 1e-5\n", "give epsilon");
  EXPECT_NE(error_of(job + "epsilon = 1\nepsilom = 2\n").find("unknown key 'epsilom' in [privacy]"), std::string::npos);
  EXPECT_NE(error_of(job + "epsilon = \"three\"\n").find("epsilon"), std::string::npos);
}

TEST(JobFilePrivacy, AnEnsembleOfTextModelsIsRefused) {
  const std::string text_job =
      "[data]\nsource = \"text\"\ntrain = \"t.csv\"\n[model]\nclass_name = \"Sequential\"\n"
      "config = { layers = [] }\n[compile]\nloss = \"mse\"\n[text]\nensemble = 3\n[privacy]\nepsilon = 1\n";
  EXPECT_NE(error_of(text_job).find("ensemble = 3"), std::string::npos) << error_of(text_job);
}

TEST(JobFilePrivacy, AStackedLinearTextModelIsRefused) {
  const std::string text_job =
      "[data]\nsource = \"text\"\ntrain = \"t.csv\"\n[model]\nclass_name = \"Sequential\"\n"
      "config = { layers = [] }\n[compile]\nloss = \"mse\"\n[text]\nlinear = \"stack\"\n[privacy]\nepsilon = 1\n";
  EXPECT_NE(error_of(text_job).find("not trained with DP-SGD"), std::string::npos) << error_of(text_job);
}

}  // namespace
}  // namespace deepfin::tasks
