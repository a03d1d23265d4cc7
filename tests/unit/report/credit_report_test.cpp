// write_credit_report: files, sections, numbers that match independent computations, bad input.
#include "deepfin/report/credit_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/metrics/credit/credit.h"
#include "report_fixture.h"

namespace deepfin::report {
namespace {

using testing::read_text;
using testing::synthetic_credit;
using testing::TempDir;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Mann-Whitney AUC by brute force over all (positive, negative) pairs.
double brute_force_auc(const std::vector<double>& s, const std::vector<int>& y) {
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    for (size_t j = 0; j < s.size(); ++j) {
      if (y[i] != 1 || y[j] != 0) continue;
      pairs += 1;
      wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  return wins / pairs;
}

TEST(CreditReport, WritesEveryFileAndSection) {
  TempDir tmp;
  const std::string dir = tmp.sub("out/report");  // nested, not there yet
  const CreditReportData data = synthetic_credit();
  write_credit_report(data, dir);
  for (const char* name : kFigureFiles) {
    const std::string bytes = read_text(dir + "/" + name);
    ASSERT_GE(bytes.size(), 8u) << name;
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 6);  // 5 figures + report.md, no temporaries
  const std::string md = read_text(dir + "/report.md");
  for (const char* heading :
       {"# German credit: MLP\n", "## Data\n", "## Cross-validation\n", "## Held-out test metrics\n",
        "### Cost-minimizing threshold (in hindsight)\n", "## Figures\n", "## Population stability (train → test)\n",
        "## Top global attributions\n", "## Model\n"}) {
    EXPECT_TRUE(contains(md, heading)) << heading;
  }
  for (const char* image :
       {"(roc.png)", "(ks.png)", "(calibration.png)", "(score_distribution.png)", "(attributions.png)"}) {
    EXPECT_TRUE(contains(md, image)) << image;
  }
  EXPECT_TRUE(contains(md, "positive rate 30.00%"));
  EXPECT_TRUE(contains(md, "| purpose | categorical | 12 | 10 | car\\|new |"));  // '|' escaped in a cell
  EXPECT_TRUE(contains(md, "```text\nModel: sequential\n"));
  EXPECT_FALSE(contains(md, "The model's decision threshold"));  // none given
}

TEST(CreditReport, TheModelsOwnThresholdIsEvaluatedOnTheTestRows) {
  TempDir tmp;
  CreditReportData data = synthetic_credit();
  data.decision_threshold = 0.4;
  write_credit_report(data, tmp.sub("r"));
  const std::string md = read_text(tmp.sub("r") + "/report.md");
  ASSERT_TRUE(contains(md, "### The model's decision threshold\n"));
  // The confusion counts printed are those at 0.4, counted here directly.
  int64_t tp = 0, fn = 0;
  for (size_t i = 0; i < data.test_scores.size(); ++i)
    if (data.test_labels[i] == 1) (data.test_scores[i] >= 0.4 ? tp : fn) += 1;
  EXPECT_TRUE(contains(md, "| actual bad (1) | " + std::to_string(tp) + " | " + std::to_string(fn) + " |")) << md;
}

TEST(CreditReport, HeldOutAucMatchesBruteForce) {
  TempDir tmp;
  const CreditReportData data = synthetic_credit(300, 11);
  write_credit_report(data, tmp.sub("r"));
  const std::string md = read_text(tmp.sub("r/report.md"));
  const double auc = metrics::roc_auc(data.test_scores, data.test_labels);
  EXPECT_NEAR(auc, brute_force_auc(data.test_scores, data.test_labels), 1e-12);
  EXPECT_GT(auc, 0.75);  // positives were shifted up
  EXPECT_TRUE(contains(md, fmt::format("| AUC | {:.4f} |", auc))) << md.substr(0, 2000);
  EXPECT_TRUE(contains(md, fmt::format("| Gini | {:.4f} |", 2 * auc - 1)));
  int correct = 0;
  for (size_t i = 0; i < data.test_scores.size(); ++i) correct += (data.test_scores[i] >= 0.5) == data.test_labels[i];
  EXPECT_TRUE(contains(md, fmt::format("| Accuracy at 0.5 | {:.4f} |", double(correct) / data.test_scores.size())));
}

TEST(CreditReport, CostThresholdConfusionCountsAddUp) {
  TempDir tmp;
  const CreditReportData data = synthetic_credit(200, 3);
  write_credit_report(data, tmp.sub("r"));
  const std::string md = read_text(tmp.sub("r/report.md"));
  const auto best = metrics::min_cost_threshold(data.test_scores, data.test_labels, data.costs);
  // Recount the confusion at the reported threshold by hand.
  int64_t tp = 0, fn = 0, fp = 0, tn = 0;
  for (size_t i = 0; i < data.test_scores.size(); ++i) {
    const bool declined = data.test_scores[i] >= best.threshold;
    (data.test_labels[i] ? (declined ? tp : fn) : (declined ? fp : tn)) += 1;
  }
  EXPECT_TRUE(contains(md, fmt::format("| actual bad (1) | {} | {} |", tp, fn)));
  EXPECT_TRUE(contains(md, fmt::format("| actual good (0) | {} | {} |", fp, tn)));
  EXPECT_TRUE(contains(md, fmt::format(">= **{:.4f}**", best.threshold)));
  EXPECT_TRUE(contains(md, fmt::format("total {:.4f}", 5.0 * fn + 1.0 * fp)));
}

TEST(CreditReport, CrossValidationTableWithFloor) {
  TempDir tmp;
  write_credit_report(synthetic_credit(), tmp.sub("r"));
  const std::string md = read_text(tmp.sub("r/report.md"));
  EXPECT_TRUE(contains(md, "5-fold cross-validation"));
  EXPECT_TRUE(contains(md, "| metric | mean ± std | per fold | floor |"));
  EXPECT_TRUE(contains(md,
                       "| AUC | 0.7800 ± 0.0200 | 0.7600, 0.7700, 0.7800, 0.7900, 0.8000 | 0.750 (logistic "
                       "regression) |"));
}

TEST(CreditReport, PsiBandForStableAndShiftedScores) {
  TempDir tmp;
  CreditReportData data = synthetic_credit(400, 5);
  data.train_scores = data.test_scores;  // identical samples: PSI 0
  write_credit_report(data, tmp.sub("same"));
  EXPECT_TRUE(contains(read_text(tmp.sub("same/report.md")), "PSI = **0.0000** (stable)"));

  // Train scores all below every test score: the test mass lands in the top bin only.
  data.train_scores.assign(400, 0.0);
  for (int i = 0; i < 400; ++i) data.train_scores[i] = 0.001 * i / 400.0;
  write_credit_report(data, tmp.sub("shift"));
  const std::string md = read_text(tmp.sub("shift/report.md"));
  const auto psi = metrics::population_stability_index(data.train_scores, data.test_scores);
  EXPECT_EQ(psi.band, "significant shift");
  EXPECT_TRUE(contains(md, fmt::format("PSI = **{:.4f}** (significant shift)", psi.psi)));
  EXPECT_TRUE(contains(md, "| score bin | train share | test share | contribution |"));
}

TEST(CreditReport, TopFifteenAttributionsLargestFirst) {
  TempDir tmp;
  CreditReportData data = synthetic_credit();
  data.global_attributions.push_back({"neg", -0.5});  // largest magnitude
  write_credit_report(data, tmp.sub("r"));
  const std::string md = read_text(tmp.sub("r/report.md"));
  EXPECT_TRUE(contains(md, "| 1 | neg | -0.5000 |"));
  EXPECT_TRUE(contains(md, "| 2 | col19 | 0.2000 |"));
  EXPECT_TRUE(contains(md, "| 15 | col6 | 0.0700 |"));
  EXPECT_FALSE(contains(md, "| col5 |"));
  EXPECT_FALSE(contains(md, "| 16 |"));
}

TEST(CreditReport, OptionalPartsMissing) {
  TempDir tmp;
  CreditReportData data = synthetic_credit();
  data.cv_metrics.clear();
  data.train_scores.clear();
  data.global_attributions.clear();
  write_credit_report(data, tmp.sub("r"));
  const std::string md = read_text(tmp.sub("r/report.md"));
  EXPECT_TRUE(contains(md, "No cross-validation was run."));
  EXPECT_TRUE(contains(md, "No training scores were given."));
  EXPECT_TRUE(contains(md, "No attributions were given."));
  EXPECT_FALSE(std::filesystem::exists(tmp.sub("r/attributions.png")));
  EXPECT_TRUE(std::filesystem::exists(tmp.sub("r/roc.png")));
}

// Bad input: ValueError whose message names the problem, and nothing written.
void expect_rejected(const CreditReportData& data, const std::string& fact) {
  TempDir tmp;
  try {
    write_credit_report(data, tmp.sub("r"));
    ADD_FAILURE() << "expected ValueError containing '" << fact << "'";
  } catch (const ValueError& e) {
    EXPECT_TRUE(contains(e.what(), fact)) << e.what();
  }
  EXPECT_TRUE(tmp.empty()) << fact;
}

TEST(CreditReport, BadInputWritesNothing) {
  CreditReportData empty = synthetic_credit();
  empty.test_scores.clear();
  empty.test_labels.clear();
  expect_rejected(empty, "no test scores");

  CreditReportData mismatched = synthetic_credit(50);
  mismatched.test_labels.pop_back();
  expect_rejected(mismatched, "50 test scores but 49 test labels");

  CreditReportData bad_label = synthetic_credit(50);
  bad_label.test_labels[3] = 2;
  expect_rejected(bad_label, "label");

  CreditReportData not_probability = synthetic_credit(50);
  not_probability.test_scores[0] = 1.5;
  expect_rejected(not_probability, "1.5");

  CreditReportData one_class = synthetic_credit(50);
  one_class.test_labels.assign(50, 0);
  expect_rejected(one_class, "class");

  CreditReportData nan_attribution = synthetic_credit(50);
  nan_attribution.global_attributions[2].second = std::nan("");
  expect_rejected(nan_attribution, "col2");

  CreditReportData nan_train = synthetic_credit(50);
  nan_train.train_scores[7] = std::nan("");
  expect_rejected(nan_train, "NaN");
}

TEST(CreditReport, DirectoryThatIsAFileIsFileError) {
  TempDir tmp;
  { std::ofstream(tmp.sub("plain")) << "x"; }
  EXPECT_THROW(write_credit_report(synthetic_credit(50), tmp.sub("plain")), FileError);
  EXPECT_THROW(write_credit_report(synthetic_credit(50), ""), ValueError);
}

}  // namespace
}  // namespace deepfin::report
