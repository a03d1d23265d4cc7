// The credit task's model report: data summary, cross-validated metrics beside
// the floors, held-out ROC / KS / calibration / score distributions,
// train-to-test PSI and the top global attributions, as Markdown with figures.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "deepfin/core/random.h"
#include "deepfin/explain/integrated_gradients.h"
#include "deepfin/nn/layer.h"
#include "deepfin/report/credit_report.h"
#include "deepfin/tasks/credit_task.h"

namespace deepfin::tasks {
namespace {

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

// Global importance: mean |attribution| over (up to `rows`) held-out rows, per column.
std::vector<std::pair<std::string, double>> global_attributions(const tabular::TabularModel& model,
                                                                const data::Table& test, int64_t rows) {
  std::vector<int64_t> picked;
  for (int64_t r = 0; r < std::min<int64_t>(test.num_rows(), rows); ++r) picked.push_back(r);
  std::vector<std::vector<double>> per_row;
  for (const auto& e : model.explain(test.select_rows(picked))) per_row.push_back(e.column_attributions);
  const std::vector<double> importance = explain::mean_abs_attribution(per_row);
  std::vector<std::pair<std::string, double>> out;
  for (size_t c = 0; c < importance.size(); ++c)
    out.emplace_back(model.preprocessor().columns()[c].name, importance[c]);
  return out;
}

report::AttributeFairnessData to_report(const AttributeFairness& f, const ProtectedAttribute& attribute,
                                        const CreditCvResult* cv) {
  report::AttributeFairnessData out{.attribute = f.attribute,
                                    .at_model_threshold = f.at_model_threshold,
                                    .at_min_cost = f.at_min_cost,
                                    .too_small = f.too_small};
  std::vector<std::string> names;
  for (const auto& g : f.at_model_threshold.groups) names.push_back(g.group);
  if (cv && cv->fairness.count(f.attribute)) {
    for (const auto& [group, metrics] : cv->fairness.at(f.attribute)) {
      if (std::find(names.begin(), names.end(), group) == names.end()) names.push_back(group);
      for (const auto& [metric, ms] : metrics) out.cv[group][metric] = {ms.mean, ms.std};
    }
  }
  out.order = group_order(attribute, names);
  return out;
}

}  // namespace

report::FairnessReportData CreditTask::fairness_report(const CreditFit& fitted, const CreditSplit& split,
                                                       const CreditCvResult* cv, uint64_t seed) const {
  const FairnessSpec& spec = job_.fairness;
  report::FairnessReportData f{.use = spec.use,
                               .proxy_threshold = spec.proxy_threshold,
                               .min_group_rows = spec.min_group_rows,
                               .mitigation = spec.mitigation};
  for (const auto& p : fitted.proxies) f.proxies.push_back({p.input, {p.attribute, p.cramers_v}});
  const auto tables = fairness(fitted.model, split.test, seed);
  for (size_t k = 0; k < tables.size(); ++k) f.attributes.push_back(to_report(tables[k], spec.attributes[k], cv));
  if (spec.mitigation == "reweighing") {
    // The same recipe without reweighing, on the same split and seed: what the mitigation costs and changes.
    JobSpec plain = job_;
    plain.fairness.mitigation = "none";
    const CreditTask without(plain);
    set_random_seed(seed);
    nn::clear_session();
    const CreditFit base = without.fit(split.train, seed, 0);
    f.auc = evaluate(fitted.model, split.test).at("auc");
    f.auc_without_mitigation = evaluate(base.model, split.test).at("auc");
    const auto base_tables = without.fairness(base.model, split.test, seed);
    for (size_t k = 0; k < base_tables.size(); ++k)
      f.without_mitigation.push_back(to_report(base_tables[k], spec.attributes[k], nullptr));
  }
  return f;
}

CreditFit CreditTask::write_report(const CreditReportOptions& options, uint64_t seed, const Progress& progress) const {
  report::CreditReportData data;
  CreditCvResult cv;
  if (options.folds > 0) {
    cv = cross_validate(options.folds, seed, progress);
    data.folds = options.folds;
    for (const auto& [name, ms] : cv.summary) {
      report::MetricSpread spread;
      spread.name = name;
      spread.mean = ms.mean;
      spread.std = ms.std;
      for (const auto& f : cv.folds) spread.per_fold.push_back(f.at(name));
      spread.floor = job_.floor_of(name);
      data.cv_metrics.push_back(std::move(spread));
    }
  }

  set_random_seed(seed);
  nn::clear_session();
  const CreditSplit s = split(seed);
  CreditFit fitted = fit(s.train, seed, 0);
  const tabular::TabularModel& model = fitted.model;

  data.title = fmt::format("Credit model report: {}", job_.file.filename().string());
  data.data_source = s.all.source;
  data.target = job_.data.target;
  data.positive_label = job_.data.positive_label;
  data.model_summary = model.model().summary();
  data.rows = s.all.num_rows();
  for (int64_t c : s.classes) data.positives += c;
  data.columns = summarize_columns(s.all, model.preprocessor());
  data.test_scores = model.predict_proba(s.test);
  const std::vector<int64_t> test_classes = classes(s.test);
  data.test_labels.assign(test_classes.begin(), test_classes.end());
  data.train_scores = model.predict_proba(s.train);
  data.costs = costs();
  data.decision_threshold = model.threshold();
  data.global_attributions = global_attributions(model, s.test, options.explain_rows);
  if (job_.fairness.enabled()) data.fairness = fairness_report(fitted, s, options.folds > 0 ? &cv : nullptr, seed);
  report::write_credit_report(data, options.dir);
  return fitted;
}

}  // namespace deepfin::tasks
