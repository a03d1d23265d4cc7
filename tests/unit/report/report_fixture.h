#pragma once
// Synthetic credit data for the report tests: seeded scores, positives shifted up.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "deepfin/report/credit_report.h"

namespace deepfin::report::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "deepfin-report-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }
  bool empty() const { return std::filesystem::is_empty(path_); }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// n held-out rows (about 30% bad) and n training scores from the same two distributions.
inline CreditReportData synthetic_credit(int n = 400, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution bad(0.3);
  std::normal_distribution<double> good_score(0.3, 0.12), bad_score(0.55, 0.15);
  auto clip = [](double p) { return std::clamp(p, 0.01, 0.99); };
  CreditReportData d;
  d.title = "German credit: MLP";
  d.data_source = "data/german.csv";
  d.target = "risk";
  d.positive_label = "bad";
  d.model_summary = "Model: sequential\nDense (None, 16)  | 336\nDense (None, 1)   | 17\n";
  for (int i = 0; i < n; ++i) {
    const int label = bad(rng) ? 1 : 0;
    d.test_labels.push_back(label);
    d.test_scores.push_back(clip(label ? bad_score(rng) : good_score(rng)));
    d.train_scores.push_back(clip(bad(rng) ? bad_score(rng) : good_score(rng)));
  }
  d.rows = 1000;
  d.positives = 300;
  d.columns = {{"age", "numeric", 0, 53, "35"}, {"purpose", "categorical", 12, 10, "car|new"}};
  d.folds = 5;
  d.cv_metrics = {{"AUC", 0.78, 0.02, {0.76, 0.77, 0.78, 0.79, 0.80}, "0.750 (logistic regression)"},
                  {"KS", 0.45, 0.03, {0.42, 0.44, 0.45, 0.46, 0.48}, ""}};
  for (int i = 0; i < 20; ++i) d.global_attributions.push_back({"col" + std::to_string(i), 0.01 * (i + 1)});
  return d;
}

}  // namespace deepfin::report::testing
