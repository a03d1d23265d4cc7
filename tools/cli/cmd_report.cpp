// deepfin report JOB.toml [-o DIR] [--folds 10]: a model report for a tabular
// job — data summary, cross-validated metrics beside the floors, held-out ROC /
// KS / calibration / score distributions, train-to-test PSI and the top global
// attributions — as Markdown with PNG figures.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "commands.h"
#include "deepfin/core/random.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/nn/layer.h"
#include "deepfin/report/credit_report.h"
#include "output_paths.h"
#include "tabular_commands.h"
#include "tabular_job.h"

namespace deepfin::cli {
namespace {

struct ReportArgs {
  std::string job, dir;
  int folds = 10;
  int64_t explain_rows = 200;
};

std::vector<report::ColumnSummary> summarize_columns(const data::Table& table, const data::TabularPreprocessor& pre) {
  std::vector<report::ColumnSummary> out;
  for (const auto& info : pre.columns()) {
    const data::TableColumn& col = table.column(info.name);
    std::set<std::string> distinct;
    report::ColumnSummary s;
    s.name = info.name;
    s.kind = data::to_string(info.kind);
    for (const auto& v : col.values) {
      if (!v) {
        ++s.missing;
        continue;
      }
      distinct.insert(*v);
      if (s.example.empty()) s.example = *v;
    }
    s.distinct = static_cast<int64_t>(distinct.size());
    out.push_back(std::move(s));
  }
  return out;
}

std::string floor_text(const nlohmann::json& floors, const std::string& metric) {
  if (!floors.contains(metric)) return "";
  const auto& f = floors.at(metric);
  return f.is_string() ? f.get<std::string>() : f.dump();
}

int run_report(const RunContext& ctx, const ReportArgs& args) {
  const JobSpec job = load_job_file(args.job);
  if (!job.data.tabular())
    throw ConfigError(
        fmt::format("{}: report works on csv and arff data (source is \"{}\")", args.job, job.data.source));
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  const std::string dir = !args.dir.empty() ? args.dir : job_report_dir(job);
  prepare_job_outputs(job, false);
  prepare_output_dir(dir, "the report");
  report::CreditReportData data;
  if (args.folds > 0) {
    const CvResult cv = cross_validate(ctx, job, args.folds, seed);
    data.folds = args.folds;
    for (const auto& [name, ms] : cv.mean_std) {
      if (name == "epochs") continue;
      report::MetricSpread spread;
      spread.name = name;
      spread.mean = ms.first;
      spread.std = ms.second;
      for (const auto& f : cv.folds) spread.per_fold.push_back(f.at(name));
      spread.floor = floor_text(job.floors, name);
      data.cv_metrics.push_back(std::move(spread));
    }
  }

  set_random_seed(seed);
  nn::clear_session();
  const data::Table table = read_job_table(job.data);
  const std::vector<int64_t> classes = job_classes(job, table);
  const data::FoldIndices split = data::stratified_split(classes, job.data.test_split, seed);
  const data::Table train = table.select_rows(split.train), test = table.select_rows(split.test);
  TabularFit fitted = fit_tabular(job, train, seed, 0);
  const tabular::TabularModel& model = fitted.model;

  data.title = fmt::format("Credit model report: {}", job.file.filename().string());
  data.data_source = table.source;
  data.target = job.data.target;
  data.positive_label = job.data.positive_label;
  data.model_summary = model.model().summary();
  data.rows = table.num_rows();
  for (int64_t c : classes) data.positives += c;
  data.columns = summarize_columns(table, model.preprocessor());
  data.test_scores = model.predict_proba(test);
  data.test_labels = to_int_labels(job_classes(job, test));
  data.train_scores = model.predict_proba(train);
  data.costs = job_costs(job);
  data.decision_threshold = model.threshold();

  // Global importance: mean |attribution| over (up to explain_rows) held-out rows.
  std::vector<int64_t> picked;
  for (int64_t r = 0; r < std::min<int64_t>(test.num_rows(), args.explain_rows); ++r) picked.push_back(r);
  const auto explanations = model.explain(test.select_rows(picked));
  std::vector<std::vector<double>> per_row;
  for (const auto& e : explanations) per_row.push_back(e.column_attributions);
  const std::vector<double> importance = explain::mean_abs_attribution(per_row);
  for (size_t c = 0; c < importance.size(); ++c)
    data.global_attributions.emplace_back(model.preprocessor().columns()[c].name, importance[c]);

  report::write_credit_report(data, dir);
  if (!job.output.model.empty()) {
    create_parent_dir(job.output.model);
    model.save(job.output.model);
  }
  print_event(ctx, fmt::format("wrote {}/report.md (and its figures)", dir),
              nlohmann::json{{"event", "report"}, {"path", dir + "/report.md"}});
  return 0;
}

}  // namespace

Command add_report_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("report", "write a Markdown model report with figures for a csv/arff job");
  auto args = std::make_shared<ReportArgs>();
  sub->add_option("job", args->job, "job file (TOML) with csv or arff data")->required();
  sub->add_option("-o,--output", args->dir, "report directory (default [output] report or report/<job name>)");
  sub->add_option("--folds", args->folds, "cross-validation folds for the metric spread (0: none; default 10)")
      ->check(CLI::Range(0, 100));
  sub->add_option("--explain-rows", args->explain_rows, "held-out rows explained for global attributions")
      ->check(CLI::PositiveNumber);
  return {sub, [&ctx, args] { return run_report(ctx, *args); }};
}

}  // namespace deepfin::cli
