// How the credit task scores held-out rows: the credit metrics, k-fold
// cross-validation, and the scores file.
#include <fmt/format.h>

#include <cmath>

#include "deepfin/core/random.h"
#include "deepfin/data/tabular/stratified.h"
#include "deepfin/metrics/credit/credit.h"
#include "deepfin/nn/layer.h"
#include "deepfin/tasks/credit_task.h"

namespace deepfin::tasks {

std::map<std::string, double> credit_metrics(const std::vector<double>& p, const std::vector<int>& labels,
                                             double threshold, const metrics::CostMatrix& costs) {
  const metrics::ConfusionAt at = metrics::confusion_at(p, labels, threshold);
  const double cost =
      costs.false_negative * static_cast<double>(at.fn) + costs.false_positive * static_cast<double>(at.fp);
  return {{"auc", metrics::roc_auc(p, labels)},
          {"gini", metrics::gini(p, labels)},
          {"ks", metrics::ks_statistic(p, labels).statistic},
          {"pr_auc", metrics::pr_auc(p, labels)},
          {"log_loss", metrics::log_loss(p, labels)},
          {"brier", metrics::brier_score(p, labels)},
          {"accuracy@0.5", metrics::confusion_at(p, labels, 0.5).accuracy()},
          {"accuracy@threshold", at.accuracy()},
          {"mean_cost", cost / static_cast<double>(p.size())}};
}

std::string scores_csv(const tabular::TabularModel& model, const data::Table& rows, const std::vector<double>& p) {
  std::string out = "row,line,probability,decision,points\n";
  for (size_t i = 0; i < p.size(); ++i)
    out += fmt::format("{},{},{:.6f},{},{:.1f}\n", i + 1, rows.lines[i], p[i],
                       p[i] >= model.threshold() ? "adverse" : "accept", model.points(p[i]));
  return out;
}

std::vector<AttributeFairness> CreditTask::fairness(const tabular::TabularModel& model, const data::Table& rows,
                                                    uint64_t seed) const {
  if (!job_.fairness.enabled()) return {};
  check_protected_columns(rows, job_.fairness, job_.file.string());
  return credit_fairness(model, rows, classes(rows), job_.fairness, costs(), seed);
}

CreditCvResult CreditTask::cross_validate(int folds, uint64_t seed, const Progress& progress) const {
  const data::Table table = read_table();
  const std::vector<int64_t> all_classes = classes(table);
  const auto parts = data::stratified_kfold(all_classes, folds, seed);
  CreditCvResult result;
  // [fairness]: attribute -> group -> metric -> the value of each fold
  std::map<std::string, std::map<std::string, std::map<std::string, std::vector<double>>>> fairness_folds;
  for (size_t k = 0; k < parts.size(); ++k) {
    set_random_seed(seed + k);
    nn::clear_session();  // every fold's layers get the same names
    const data::Table train = table.select_rows(parts[k].train), test = table.select_rows(parts[k].test);
    CreditFit fitted = fit(train, seed + k, 0);
    const auto m = evaluate(fitted.model, test);
    result.epochs.push_back(static_cast<int64_t>(fitted.history.epoch.size()));
    std::string line = fmt::format("fold {:>2}/{}:", k + 1, parts.size());
    nlohmann::json event = {{"event", "fold"}, {"fold", k + 1}, {"epochs", result.epochs.back()}};
    for (const auto& [name, value] : m) {
      line += fmt::format(" {} {:.4f}", name, value);
      event[name] = value;
    }
    report_progress(progress, line + fmt::format(" ({} epochs)", result.epochs.back()), event);
    result.folds.push_back(m);
    if (job_.fairness.enabled()) {
      const std::vector<double> p = fitted.model.predict_proba(test);
      const std::vector<int64_t> test_classes = classes(test);
      const std::vector<int> labels(test_classes.begin(), test_classes.end());
      for (const auto& attribute : job_.fairness.attributes) {
        const MeasuredGroups m = measured_groups(test, attribute, job_.fairness.min_group_rows);
        if (m.rows.empty()) continue;
        const auto [mp, ml] = measured_scores(m, p, labels);
        for (const auto& g : metrics::group_rates(mp, ml, m.groups, fitted.model.threshold()))
          for (const auto& [metric, value] : g.value)
            fairness_folds[attribute.column][g.group][metric].push_back(value);
      }
    }
  }
  // Over the folds where the metric is defined (a fold whose group has one class has no AUC).
  for (const auto& [attribute, groups] : fairness_folds)
    for (const auto& [group, by_metric] : groups)
      for (const auto& [metric, values] : by_metric) {
        std::vector<double> defined;
        for (double v : values)
          if (!std::isnan(v)) defined.push_back(v);
        result.fairness[attribute][group][metric] =
            defined.empty() ? MeanStd{std::nan(""), std::nan("")} : mean_std(defined);
      }
  for (const auto& [name, unused] : result.folds.front()) {
    std::vector<double> values;
    for (const auto& f : result.folds) values.push_back(f.at(name));
    result.summary[name] = mean_std(values);
  }
  return result;
}

}  // namespace deepfin::tasks
