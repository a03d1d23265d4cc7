// deepfin cv JOB.toml --folds 10: stratified k-fold cross-validation of a
// tabular job. Each fold fits its own preprocessing and model on the other
// folds only; the table gives every credit metric per fold and mean ± std.
#include <fmt/format.h>

#include <cmath>

#include "commands.h"
#include "deepfin/core/random.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/nn/layer.h"
#include "tabular_commands.h"
#include "tabular_job.h"
#include "text_commands.h"

namespace deepfin::cli {

CvResult cross_validate(const RunContext& ctx, const JobSpec& job, int folds, uint64_t seed) {
  const data::Table table = read_job_table(job.data);
  const std::vector<int64_t> classes = job_classes(job, table);
  const auto parts = data::stratified_kfold(classes, folds, seed);
  CvResult result;
  for (size_t k = 0; k < parts.size(); ++k) {
    set_random_seed(seed + k);
    nn::clear_session();  // every fold's layers get the same names
    const data::Table train = table.select_rows(parts[k].train), test = table.select_rows(parts[k].test);
    TabularFit fitted = fit_tabular(job, train, seed + k, 0);
    const std::vector<double> p = fitted.model.predict_proba(test);
    std::vector<int> labels;
    for (int64_t r : parts[k].test) labels.push_back(static_cast<int>(classes[r]));
    auto m = credit_metrics(p, labels, fitted.model.threshold(), job_costs(job));
    m["epochs"] = static_cast<double>(fitted.history.epoch.size());
    std::string line = fmt::format("fold {:>2}/{}:", k + 1, parts.size());
    nlohmann::json event = {{"event", "fold"}, {"fold", k + 1}};
    for (const auto& [name, value] : m) {
      line += fmt::format(" {} {:.4f}", name, value);
      event[name] = value;
    }
    print_event(ctx, line, event);
    result.folds.push_back(std::move(m));
  }
  for (const auto& [name, unused] : result.folds.front()) {
    double sum = 0, sq = 0;
    for (const auto& f : result.folds) sum += f.at(name);
    const double mean = sum / static_cast<double>(result.folds.size());
    for (const auto& f : result.folds) sq += (f.at(name) - mean) * (f.at(name) - mean);
    result.mean_std[name] = {mean, std::sqrt(sq / static_cast<double>(result.folds.size() - 1))};
  }
  return result;
}

namespace {

int run_cv(const RunContext& ctx, const std::string& job_path, int folds) {
  const JobSpec job = load_job_file(job_path);
  if (!job.data.tabular() && !job.data.text())
    throw ConfigError(
        fmt::format("{}: cv works on csv, arff and text data (source is \"{}\")", job_path, job.data.source));
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  if (job.data.text()) {
    const CvTextResult cv = cross_validate_text(ctx, job, folds, seed);
    auto mean_std = [](const std::vector<double>& v) {
      double m = 0, sq = 0;
      for (double x : v) m += x;
      m /= static_cast<double>(v.size());
      for (double x : v) sq += (x - m) * (x - m);
      return std::pair{m, std::sqrt(sq / static_cast<double>(v.size() - 1))};
    };
    const auto [acc, acc_sd] = mean_std(cv.accuracy);
    const auto [f1, f1_sd] = mean_std(cv.macro_f1);
    std::string floors;
    for (const auto& [k, v] : job.floors.items())
      floors += fmt::format("  floor {}: {}\n", k, v.is_string() ? v.get<std::string>() : v.dump());
    print_event(ctx,
                fmt::format("{}-fold stratified cross-validation of {}:\n  accuracy {:.4f} ± {:.4f}\n  macro-F1 "
                            "{:.4f} ± {:.4f}\n{}",
                            folds, job_path, acc, acc_sd, f1, f1_sd, floors),
                nlohmann::json{{"event", "cv"},
                               {"accuracy", {{"mean", acc}, {"std", acc_sd}}},
                               {"macro_f1", {{"mean", f1}, {"std", f1_sd}}}});
    return 0;
  }
  const CvResult cv = cross_validate(ctx, job, folds, seed);
  std::string table = fmt::format("{}-fold stratified cross-validation of {}:\n  {:<18} {:>8} {:>8}   {}\n", folds,
                                  job_path, "metric", "mean", "std", "floor");
  nlohmann::json event = {{"event", "cv"}, {"folds", folds}};
  for (const auto& [name, ms] : cv.mean_std) {
    std::string floor;
    if (job.floors.contains(name))
      floor = job.floors.at(name).is_string() ? job.floors.at(name).get<std::string>() : job.floors.at(name).dump();
    table += fmt::format("  {:<18} {:>8.4f} {:>8.4f}   {}\n", name, ms.first, ms.second, floor);
    event[name] = {{"mean", ms.first}, {"std", ms.second}};
  }
  print_event(ctx, table, event);
  return 0;
}

}  // namespace

Command add_cv_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("cv", "stratified k-fold cross-validation of a csv/arff job");
  struct Args {
    std::string job;
    int folds = 10;
  };
  auto args = std::make_shared<Args>();
  sub->add_option("job", args->job, "job file (TOML) with csv or arff data")->required();
  sub->add_option("--folds", args->folds, "number of folds (default 10)")->check(CLI::Range(2, 100));
  return {sub, [&ctx, args] { return run_cv(ctx, args->job, args->folds); }};
}

}  // namespace deepfin::cli
