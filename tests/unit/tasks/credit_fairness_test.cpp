// Fair lending in the credit task: protected columns kept out of the inputs (scores do
// not move when they are shuffled), reasons that never cite them and use the job's
// wording, the proxy screen, reweighing, group measurement and the errors of [fairness].
#include "deepfin/tasks/credit_fairness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/io/digest.h"
#include "deepfin/io/read_file.h"
#include "deepfin/nn/layer.h"
#include "deepfin/report/model_card.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/decision_log.h"
#include "deepfin/tasks/job_file.h"
#include "task_test_files.h"

namespace deepfin::tasks {
namespace {

class CreditFairness : public testing::TaskFiles {
 protected:
  // Income drives the risk; 'sex' is protected and (here) carries no signal; 'branch'
  // copies sex and is the proxy the screen must find; age is protected, banded.
  std::string applicants(int rows) const {
    std::mt19937 gen(9);
    std::normal_distribution<double> noise(0.0, 0.6);
    std::string csv = "income,branch,sex,age,class\n";
    for (int i = 0; i < rows; ++i) {
      const double income = 20 + (i * 37) % 80;
      const bool female = i % 3 == 0;
      const int age = 20 + (i * 13) % 50;
      const double risk = (60 - income) / 15.0 + noise(gen);
      csv += fmt::format("{},{},{},{},{}\n", income, female ? "north" : "south", female ? "f" : "m", age,
                         risk > 0 ? "bad" : "good");
    }
    return csv;
  }
  std::string job_text(const std::string& fairness) const {
    return fmt::format(R"(seed = 3
[data]
source = "csv"
path = "{}"
target = "class"
positive_label = "bad"
[model]
class_name = "Sequential"
[[model.config.layers]]
class_name = "Dense"
config = {{ units = 8, activation = "relu" }}
[[model.config.layers]]
class_name = "Dense"
config = {{ units = 1, activation = "sigmoid" }}
[compile]
optimizer = {{ class_name = "Adam", config = {{ learning_rate = 0.05 }} }}
loss = "binary_crossentropy"
[fit]
epochs = 15
verbose = 0
{}
)",
                       write("applicants.csv", applicants(300)), fairness);
  }
  JobSpec job(const std::string& fairness) const { return parse_job(job_text(fairness), "fair.toml"); }
  // [fairness] with `extra` keys in it, then [reasons] if given.
  static std::string fairness(const std::string& extra = "", const std::string& reasons = "") {
    return "[fairness]\nprotected = [\"sex\", \"age\"]\nmin_group_rows = 5\n" + extra +
           "[fairness.groups.age]\nbands = [30, 50]\n" + reasons;
  }
};

std::vector<double> fit_and_score(const CreditTask& task, const data::Table& rows) {
  set_random_seed(3);
  nn::clear_session();
  return task.fit(rows, 3).model.predict_proba(rows);
}

TEST_F(CreditFairness, ExcludedColumnsDoNotReachTheModel) {
  const CreditTask task(job(fairness()));
  const data::Table table = task.read_table();
  data::Table shuffled = table;
  for (const char* column : {"sex", "age"}) {
    auto& values = shuffled.columns[shuffled.column_index(column)].values;
    std::mt19937 gen(1);
    std::shuffle(values.begin(), values.end(), gen);
  }
  EXPECT_EQ(fit_and_score(task, table), fit_and_score(task, shuffled));  // bit for bit
  const CreditFit fitted = task.fit(table, 3);
  for (const auto& c : fitted.model.preprocessor().columns()) EXPECT_TRUE(c.name == "income" || c.name == "branch");
}

TEST_F(CreditFairness, TheScreenNamesTheProxy) {
  const CreditTask task(job(fairness()));
  const CreditFit fitted = task.fit(task.read_table(), 3);
  ASSERT_FALSE(fitted.proxies.empty());
  EXPECT_EQ(fitted.proxies.front().input, "branch");
  EXPECT_EQ(fitted.proxies.front().attribute, "sex");
  EXPECT_NEAR(fitted.proxies.front().cramers_v, 1.0, 1e-9);
}

TEST_F(CreditFairness, MonitoredColumnsAreNeverCitedAndReasonsUseTheWording) {
  const CreditTask task(job(fairness("use = \"monitor\"\n", R"([reasons]
income = "Income insufficient for the amount requested"
branch = "Branch of application"
)")));
  const CreditFit fitted = task.fit(task.read_table(), 3);
  bool monitored_input = false;
  for (const auto& c : fitted.model.preprocessor().columns()) monitored_input |= c.name == "sex";
  EXPECT_TRUE(monitored_input);
  int cited = 0;
  for (const auto& e : fitted.model.explain(task.read_table())) {
    EXPECT_LE(e.reasons.size(), 4u);
    for (const auto& r : e.reasons) {
      const std::string& column = fitted.model.preprocessor().columns()[r.column].name;
      EXPECT_NE(column, "sex");
      EXPECT_NE(column, "age");
      EXPECT_TRUE(r.text == "Income insufficient for the amount requested" || r.text == "Branch of application");
      ++cited;
    }
  }
  EXPECT_GT(cited, 0);
  fitted.model.save(path("m.safetensors"));  // the policy travels with the model
  const auto reloaded = tabular::TabularModel::load(path("m.safetensors"));
  EXPECT_EQ(reloaded.never_cited(), fitted.model.never_cited());
  EXPECT_EQ(reloaded.reason_wording(), fitted.model.reason_wording());
}

TEST_F(CreditFairness, AReasonDictionaryMustWordEveryCitableInput) {
  const CreditTask task(job(fairness("", "[reasons]\nincome = \"Low income\"\n")));
  try {
    task.fit(task.read_table(), 3);
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no wording for branch"), std::string::npos) << e.what();
  }
  const CreditTask typo(job(fairness("", "[reasons]\nincome = \"a\"\nbranch = \"b\"\nincom = \"c\"\n")));
  EXPECT_THROW(typo.fit(typo.read_table(), 3), ConfigError);
}

TEST_F(CreditFairness, GroupsAreMeasuredAndSmallOnesNamed) {
  const CreditTask task(job(fairness()));
  const data::Table table = task.read_table();
  const CreditFit fitted = task.fit(table, 3);
  const auto tables = task.fairness(fitted.model, table, 1);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].attribute, "sex");
  EXPECT_EQ(tables[0].at_model_threshold.groups.size(), 2u);
  std::vector<std::string> bands;
  for (const auto& g : tables[1].at_model_threshold.groups) bands.push_back(g.group);
  EXPECT_EQ(bands, (std::vector<std::string>{"<30", "30-50", ">=50"}));
  // 20 rows of which 2 are 'f': with min_group_rows 5 the attribute cannot be compared.
  const MeasuredGroups m = measured_groups(table.select_rows({0, 1, 2, 3, 4, 5}), {.column = "sex"}, 5);
  EXPECT_TRUE(m.rows.empty());
  ASSERT_EQ(m.too_small.size(), 2u);
  EXPECT_EQ(m.too_small[0], (std::pair<std::string, int64_t>{"f", 2}));
}

TEST_F(CreditFairness, ReweighingMakesGroupAndLabelIndependent) {
  const CreditTask task(job(fairness()));
  const data::Table table = task.read_table();
  const std::vector<int64_t> y = task.classes(table);
  const std::vector<float> w = reweighing_weights(table, y, task.job().fairness);
  const auto groups = protected_groups(table, {.column = "sex"});
  double total = 0, f = 0, bad = 0, f_bad = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    total += w[i];
    f += groups[i] == "f" ? w[i] : 0;
    bad += y[i] ? w[i] : 0;
    f_bad += groups[i] == "f" && y[i] ? w[i] : 0;
  }
  EXPECT_NEAR(f_bad / total, (f / total) * (bad / total), 1e-6);
  EXPECT_NEAR(total, static_cast<double>(w.size()), 1e-3);
}

TEST_F(CreditFairness, CramersVIsOneForACopyAndNearZeroForNoise) {
  std::vector<std::string> a, b, c;
  std::mt19937 gen(2);
  for (int i = 0; i < 2000; ++i) {
    a.push_back(i % 2 ? "x" : "y");
    b.push_back(i % 2 ? "p" : "q");
    c.push_back(gen() % 2 ? "u" : "v");
  }
  EXPECT_NEAR(cramers_v(a, b), 1.0, 1e-12);
  EXPECT_LT(cramers_v(a, c), 0.06);
}

TEST_F(CreditFairness, BadFairnessTablesAreNamed) {
  auto error_of = [&](const std::string& fairness) {
    try {
      const CreditTask task(job(fairness));
      task.fit(task.read_table(), 3);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("[fairness]\nprotected = [\"gender\"]\n").find("protected column gender is not in"),
            std::string::npos);
  EXPECT_NE(error_of("[fairness]\nprotected = []\n").find("at least one column"), std::string::npos);
  EXPECT_NE(error_of("[fairness]\nprotected = [\"sex\"]\nuse = \"ignore\"\n").find("\"exclude\" or \"monitor\""),
            std::string::npos);
  EXPECT_NE(error_of("[fairness]\nprotected = [\"sex\"]\nmitigation = \"thresholds\"\n").find("per-group thresholds"),
            std::string::npos);
  EXPECT_NE(error_of("[fairness]\nprotected = [\"sex\"]\n[fairness.groups.sex]\nm = \"men\"\n")
                .find("'sex' = 'f' is in no group"),
            std::string::npos);
  EXPECT_NE(error_of("[fairness]\nprotected = [\"sex\"]\n[fairness.groups.sex]\nbands = [1]\n").find("not a number"),
            std::string::npos);
  EXPECT_NE(
      error_of("[fairness]\nprotected = [\"sex\"]\n[fairness.groups.age]\nbands = [30]\n").find("not in protected"),
      std::string::npos);
}

TEST_F(CreditFairness, TheReportWritesTheFairnessSectionAndAModelCardTheModelCanRegenerate) {
  const CreditTask task(job(fairness("mitigation = \"reweighing\"\n")));
  const CreditFit fitted = task.write_report({.dir = path("report"), .folds = 2, .explain_rows = 20}, 3);
  const std::string report = io::read_file(path("report/report.md"));
  EXPECT_NE(report.find("## Fair lending"), std::string::npos);
  EXPECT_NE(report.find("Mitigation: reweighing"), std::string::npos);
  EXPECT_NE(report.find("| branch | sex |"), std::string::npos);  // the proxy, named
  EXPECT_TRUE(std::filesystem::exists(path("report/fairness.png")));
  const std::string card = io::read_file(path("report/model_card.md"));
  for (const char* part : {"## Intended use", "## Out-of-scope uses", "## Training data", "## Metrics", "## Fairness",
                           "## Privacy", "## Explanations", "## Known limitations"})
    EXPECT_NE(card.find(part), std::string::npos) << part;
  EXPECT_EQ(report::model_card_markdown(fitted.model.model().attachment("model_card")), card);
  EXPECT_THROW(report::model_card_markdown(nlohmann::json{{"name", "x"}}), FileError);
}

TEST_F(CreditFairness, TheDecisionLogHoldsNoApplicantData) {
  std::string csv = "applicant_id," + applicants(40).substr(0, applicants(40).find('\n')) + "\n";
  const std::string body = applicants(40).substr(applicants(40).find('\n') + 1);
  int i = 0;
  for (size_t at = 0, next; (next = body.find('\n', at)) != std::string::npos; at = next + 1)
    csv += fmt::format("id-{:03d},{}\n", i++, body.substr(at, next - at));
  const CreditTask task(job(fairness()));
  const CreditFit fitted = task.fit(task.read_table(), 3);
  fitted.model.save(path("m.safetensors"));
  const data::Table rows = fitted.model.read_rows(write("rows.csv", csv));
  write("key", "  a-key-of-at-least-sixteen-chars\n");
  const DecisionLogOptions options{.path = path("log.jsonl"), .key_file = path("key"), .id_column = "applicant_id"};
  {
    DecisionLog log(options, path("m.safetensors"));
    log.append(rows, fitted.model.explain(rows), fitted.model);
    log.append(rows, fitted.model.explain(rows), fitted.model);
  }
  const std::string text = io::read_file(path("log.jsonl"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 80);
  const nlohmann::json first = nlohmann::json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(first.at("applicant"), io::hmac_sha256_hex("a-key-of-at-least-sixteen-chars", "id-000"));
  EXPECT_EQ(first.at("model_sha256"), io::sha256_hex(io::read_file(path("m.safetensors"))));
  for (const char* raw : {"id-000", "north", "south", " = ", "\"f\"", "\"m\""})
    EXPECT_EQ(text.find(raw), std::string::npos) << raw;

  write("short", "tooshort");
  EXPECT_THROW(DecisionLog({.path = path("x.jsonl"), .key_file = path("short"), .id_column = "applicant_id"},
                           path("m.safetensors")),
               ConfigError);
  DecisionLog log(options, path("m.safetensors"));
  const data::Table no_ids = task.read_table();
  EXPECT_THROW(log.append(no_ids, fitted.model.explain(no_ids), fitted.model), NotFoundError);
  EXPECT_EQ(io::read_file(path("log.jsonl")), text);  // nothing written
}

}  // namespace
}  // namespace deepfin::tasks
