// The credit task's model report: data summary, cross-validated metrics beside
// the floors, held-out ROC / KS / calibration / score distributions,
// train-to-test PSI and the top global attributions, as Markdown with figures.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "deepfin/core/random.h"
#include "deepfin/explain/integrated_gradients.h"
#include "deepfin/io/atomic_file.h"
#include "deepfin/io/digest.h"
#include "deepfin/io/read_file.h"
#include "deepfin/nn/layer.h"
#include "deepfin/privacy/privacy_options.h"
#include "deepfin/report/credit_report.h"
#include "deepfin/report/model_card.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/version.h"

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

nlohmann::json card_fairness(const std::optional<report::FairnessReportData>& f, const FairnessSpec& spec) {
  if (!f) return nullptr;
  nlohmann::json protected_columns = nlohmann::json::array(), tables = nlohmann::json::array(),
                 not_measured = nlohmann::json::array(), proxies = nlohmann::json::array();
  for (const auto& a : spec.attributes) protected_columns.push_back(a.column);
  for (const auto& a : f->attributes) {
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : a.at_model_threshold.groups)
      groups.push_back({{"group", g.group},
                        {"rows", g.rows},
                        {"approval_rate", g.value.at("approval_rate")},
                        {"adverse_impact_ratio", g.value.at("adverse_impact_ratio")},
                        {"air_low", g.low.at("adverse_impact_ratio")},
                        {"air_high", g.high.at("adverse_impact_ratio")},
                        {"equal_opportunity_difference", g.value.at("equal_opportunity_difference")},
                        {"auc", g.value.at("auc")}});
    tables.push_back({{"attribute", a.attribute}, {"groups", groups}});
    if (a.at_model_threshold.groups.empty()) {
      std::string counts;
      for (const auto& [group, rows] : a.too_small)
        counts += fmt::format("{}'{}' {}", counts.empty() ? "" : ", ", group, rows);
      not_measured.push_back(fmt::format("{}: fewer than two groups have min_group_rows = {} held-out rows ({})",
                                         a.attribute, f->min_group_rows, counts));
    } else {
      for (const auto& [group, rows] : a.too_small)
        not_measured.push_back(fmt::format("{} '{}' ({} held-out rows, fewer than min_group_rows = {})", a.attribute,
                                           group, rows, f->min_group_rows));
    }
  }
  for (const auto& [input, av] : f->proxies)
    proxies.push_back({{"input", input}, {"attribute", av.first}, {"cramers_v", av.second}});
  return {{"protected", protected_columns},
          {"use", f->use},
          {"mitigation", f->mitigation},
          {"tables", tables},
          {"proxies", proxies},
          {"not_measured", not_measured}};
}

}  // namespace

nlohmann::json CreditTask::model_card(const report::CreditReportData& data, const CreditFit& fitted,
                                      const std::map<std::string, double>& held_out) const {
  nlohmann::json cv = nlohmann::json::object();
  for (const auto& m : data.cv_metrics) cv[m.name] = {m.mean, m.std};
  std::string job_text;
  try {
    job_text = io::read_file(job_.file.string());
  } catch (const FileError&) {
    job_text = "";  // a job built in code has no file
  }
  const nlohmann::json privacy = fitted.model.model().attachment("privacy");
  std::string explanation =
      "Each decline comes with up to four adverse reasons: the inputs whose integrated-gradients attribution pushes "
      "the log-odds toward default the most (Regulation B's principal reasons), largest first.";
  if (!job_.fairness.attributes.empty()) explanation += " Reasons never cite a protected attribute.";
  if (!job_.reasons.empty()) explanation += " They are worded from the job's [reasons] dictionary.";
  return {{"name", job_.file.stem().string()},
          {"deepfin_version", DEEPFIN_VERSION},
          {"job", job_.file.string()},
          {"job_sha256", job_text.empty() ? "(built in code)" : io::sha256_hex(job_text)},
          {"intended_use",
           {"Scoring applications for consumer credit, to support a lender's decision with a probability of default, "
            "a decision at a cost-based threshold and adverse-action reasons.",
            "Use on applicants drawn from the same population and period as the training data."}},
          {"out_of_scope",
           {"Fully automated decisions without human review or a route to appeal.",
            "Populations, products or periods unlike the training data without validating the model again.",
            "Decisions on grounds a lender may not use (protected attributes, or proxies for them)."}},
          {"data",
           {{"source", data.data_source},
            {"rows", data.rows},
            {"positives", data.positives},
            {"period", "not recorded in the data (the file has no application dates)"},
            {"target", data.target},
            {"positive_label", data.positive_label},
            {"split", fmt::format("stratified, {} held out", job_.data.test_split)}}},
          {"metrics", {{"held_out", held_out}, {"cv", cv}, {"folds", data.folds}}},
          {"decision",
           {{"threshold", fitted.model.threshold()},
            {"cost_false_negative", job_.decision.cost_false_negative},
            {"cost_false_positive", job_.decision.cost_false_positive}}},
          {"fairness", card_fairness(data.fairness, job_.fairness)},
          {"privacy", privacy.is_null() ? nlohmann::json(nullptr)
                                        : nlohmann::json(privacy::describe(privacy::guarantee_from_json(privacy)))},
          {"explanation", explanation},
          {"limitations",
           {"Trained on one historical data set; its labels reflect past lending decisions and may carry their biases.",
            "Group metrics on small groups have wide intervals; a group below min_group_rows is not measured.",
            "Excluding protected attributes does not remove their proxies; the proxy screen names the strongest.",
            "Calibration and the threshold hold for the training population only."}},
          {"architecture", data.model_summary}};
}

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
  // The card is saved in the model too, so that `deepfin model-card MODEL` writes it again.
  const nlohmann::json card = model_card(data, fitted, evaluate(model, s.test));
  fitted.model.model().set_attachment("model_card", card);
  io::write_file_atomic((std::filesystem::path(options.dir) / report::kModelCardFile).string(),
                        report::model_card_markdown(card));
  return fitted;
}

}  // namespace deepfin::tasks
