// What `deepfin tune` prints and writes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "deepfin/backtest/significance.h"
#include "deepfin/io/atomic_file.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/tasks/fold_summary.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/tuner.h"

namespace deepfin::tasks {
namespace {

std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// "tuned - <name> d, corrected resampled t, p: verdict" of paired outer-fold scores; a fold
// whose score is not a number (a diverged fit) leaves nothing to test, and says so.
std::string paired_test_line(const std::vector<double>& tuned, const std::vector<double>& other, double ratio,
                             const std::string& name, const std::string& against) {
  for (size_t i = 0; i < tuned.size(); ++i)
    if (!std::isfinite(tuned[i]) || !std::isfinite(other[i]))
      return fmt::format("  tuned - {}: not tested (outer fold {} has no finite score)\n", name, i + 1);
  const backtest::PairedFoldTest t = backtest::corrected_paired_t_test(tuned, other, ratio);
  return fmt::format("  tuned - {} {:+.4f}, corrected resampled t {:+.2f}, p {:.3f}: tuned {} at the 5 % level\n", name,
                     t.mean_difference, t.statistic, t.p_value,
                     backtest::verdict_phrase(backtest::verdict(t), against));
}

}  // namespace

std::string tune_summary(const TuneResult& r) {
  const MeanStd tuned = mean_std(r.nested_scores), written = mean_std(r.as_written_scores);
  int searched = 0;
  for (const TuneTrial& t : r.trials) searched += t.search == 0;
  std::string s = fmt::format(
      "nested cross-validation, {} outer folds ({} on folds the search never saw):\n"
      "  tuned        {:.4f} ± {:.4f}\n  as written   {:.4f} ± {:.4f}\n"
      "  per fold, tuned - as written: {}\n",
      r.nested_scores.size(), r.metric, tuned.mean, tuned.std, written.mean, written.std, [&] {
        std::string d;
        for (size_t k = 0; k < r.nested_scores.size(); ++k)
          d += fmt::format("{}{:+.4f}", k ? ", " : "", r.nested_scores[k] - r.as_written_scores[k]);
        return d;
      }());
  // Outer folds share training rows: Nadeau & Bengio's correction, with the folds' own
  // test/train ratio (1 / (K - 1) for K-fold when a result does not carry it).
  const double k = static_cast<double>(r.nested_scores.size());
  const double ratio = r.test_train_ratio > 0 ? r.test_train_ratio : 1 / std::max(1.0, k - 1);
  if (r.nested_scores.size() >= 2)
    s += paired_test_line(r.nested_scores, r.as_written_scores, ratio, "as written", "the job as written");
  if (!r.baseline.empty() && r.baseline_scores.size() == r.nested_scores.size()) {
    const MeanStd b = mean_std(r.baseline_scores);
    s += fmt::format("  {:<12} {:.4f} ± {:.4f} (on the same folds)\n", r.baseline, b.mean, b.std);
    if (r.nested_scores.size() >= 2)
      s += paired_test_line(r.nested_scores, r.baseline_scores, ratio, r.baseline, "the " + r.baseline);
  }
  s += fmt::format("chosen on every row ({} configurations, inner CV {} {:.4f}, optimistic: chosen on it):\n", searched,
                   r.metric, r.best_inner_score);
  for (const auto& [path, value] : r.best_values.items()) s += fmt::format("  {} = {}\n", path, value.dump());
  if (r.budget_ran_out) s += "the budget ran out: some searches sampled fewer configurations than asked\n";
  return s;
}

void write_tune_outputs(const TuneResult& r, const std::string& dir) {
  io::create_output_dir(dir, "the tuning results");
  io::write_file_atomic(dir + "/tuned.toml",
                        "# written by deepfin tune; the chosen values are in tune.md\n" + job_json_to_toml(r.best_job));
  std::string csv = "search,trial,values,fold_scores,mean,complete\n";
  for (const TuneTrial& t : r.trials) {
    std::string scores;
    for (size_t i = 0; i < t.fold_scores.size(); ++i) scores += fmt::format("{}{:.6f}", i ? " " : "", t.fold_scores[i]);
    csv +=
        fmt::format("{},{},{},{},{:.6f},{}\n", t.search == 0 ? std::string("final") : fmt::format("outer {}", t.search),
                    t.id, csv_field(t.values.dump()), scores, t.mean, t.complete ? "yes" : "no");
  }
  io::write_file_atomic(dir + "/trials.csv", csv);
  const bool dated = r.row_names.size() == r.outer_fold_of_row.size() && !r.row_names.empty();
  std::string folds = dated ? "row,date,outer_fold\n" : "row,outer_fold\n";
  for (size_t i = 0; i < r.outer_fold_of_row.size(); ++i)
    folds += dated ? fmt::format("{},{},{}\n", i, csv_field(r.row_names[i]), r.outer_fold_of_row[i])
                   : fmt::format("{},{}\n", i, r.outer_fold_of_row[i]);
  io::write_file_atomic(dir + "/folds.csv", folds);
  io::write_file_atomic(
      dir + "/tune.md",
      "# Tuning\n\n```\n" + tune_summary(r) +
          "```\n\nThe tuned job: `tuned.toml`. Every trial: `trials.csv`. The outer folds: `folds.csv`.\n");
}

}  // namespace deepfin::tasks
