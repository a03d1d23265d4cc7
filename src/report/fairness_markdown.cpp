#include "report/fairness_markdown.h"

#include <fmt/format.h>

#include <cmath>

#include "report/markdown.h"

namespace deepfin::report::detail {
namespace {

std::string value(double v) {
  return std::isnan(v) ? "n/a" : fmt::format("{:.3f}", v);
}

std::string with_interval(const metrics::GroupFairness& g, const std::string& metric) {
  const double v = g.value.at(metric), lo = g.low.at(metric), hi = g.high.at(metric);
  if (std::isnan(v)) return "n/a";
  return std::isnan(lo) ? value(v) : fmt::format("{} [{}, {}]", value(v), value(lo), value(hi));
}

std::string group_table(const metrics::FairnessTable& t) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : t.groups) {
    const bool below = g.value.at("adverse_impact_ratio") < 0.8;
    rows.push_back({g.group + (g.group == t.reference_group ? " (most favoured)" : ""), std::to_string(g.rows),
                    with_interval(g, "approval_rate"),
                    with_interval(g, "adverse_impact_ratio") + (below ? " **< 0.8**" : ""), with_interval(g, "tpr"),
                    with_interval(g, "equal_opportunity_difference"), with_interval(g, "fpr"), with_interval(g, "auc"),
                    value(g.value.at("observed_default_rate")) + " / " + value(g.value.at("predicted_default_rate"))});
  }
  return md_table({"group", "rows", "approval rate", "adverse impact ratio", "TPR (approved | repaid)",
                   "equal opportunity diff", "FPR (approved | defaulted)", "AUC", "default rate observed / predicted"},
                  rows);
}

std::string attribute_text(const AttributeFairnessData& a, int64_t min_rows) {
  std::string out = fmt::format("### {}\n\n", a.attribute);
  if (a.at_model_threshold.groups.empty()) {
    out += fmt::format("Not measured: fewer than two groups have min_group_rows = {} held-out rows (", min_rows);
    for (size_t i = 0; i < a.too_small.size(); ++i)
      out += fmt::format("{}'{}' {}", i ? ", " : "", a.too_small[i].first, a.too_small[i].second);
    return out + ").\n\n";
  }
  out += fmt::format("At the model's threshold ({}):\n\n", value(a.at_model_threshold.threshold));
  out += group_table(a.at_model_threshold) + "\n";
  out += fmt::format("At the threshold that minimizes the expected cost on these rows ({}):\n\n",
                     value(a.at_min_cost.threshold));
  out += group_table(a.at_min_cost) + "\n";
  for (const auto& [group, rows] : a.too_small)
    out +=
        fmt::format("Group '{}' ({} rows) is not measured: fewer than min_group_rows = {}.\n\n", group, rows, min_rows);
  if (!a.cv.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const std::string& group : a.order) {
      if (!a.cv.count(group)) continue;
      const auto& m = a.cv.at(group);
      auto ms = [&](const char* k) {
        return m.count(k) ? fmt::format("{} ± {}", value(m.at(k).first), value(m.at(k).second)) : "n/a";
      };
      rows.push_back({group, ms("approval_rate"), ms("adverse_impact_ratio"), ms("equal_opportunity_difference"),
                      ms("fpr"), ms("auc")});
    }
    out += "Over the cross-validation folds (mean ± std, each fold's own model and threshold):\n\n";
    out += md_table({"group", "approval rate", "adverse impact ratio", "equal opportunity diff", "FPR", "AUC"}, rows) +
           "\n";
  }
  return out;
}

}  // namespace

std::string fairness_section(const FairnessReportData& f) {
  std::string out = "## Fair lending\n\n";
  out += f.use == "exclude" ? "Protected attributes are kept out of the model's inputs and used only to measure.\n\n"
                            : "Protected attributes are model inputs (use = \"monitor\"); adverse reasons never cite "
                              "them.\n\n";
  out +=
      "Definitions: an applicant is approved when p(bad) is below the threshold. The adverse impact ratio is a "
      "group's approval rate over the most-favoured group's (the four-fifths rule flags ratios below 0.8). TPR is "
      "the approval rate among applicants who repaid; the equal-opportunity difference is a group's TPR minus the "
      "most-favoured group's. Intervals are 95 % bootstrap intervals (rows resampled within each group).\n\n";
  if (f.proxies.empty()) {
    out += fmt::format("Proxy screen: no input reaches Cramer's V {} with a protected attribute.\n\n",
                       value(f.proxy_threshold));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [input, av] : f.proxies) rows.push_back({input, av.first, value(av.second)});
    out += fmt::format("Proxy screen: inputs with Cramer's V >= {} against a protected attribute.\n\n",
                       value(f.proxy_threshold));
    out += md_table({"input", "protected attribute", "Cramer's V"}, rows) + "\n";
  }
  out += "![Adverse impact ratio per group](fairness.png)\n\n";
  for (const auto& a : f.attributes) out += attribute_text(a, f.min_group_rows);
  if (f.mitigation == "reweighing") {
    out += "### Mitigation: reweighing (Kamiran & Calders 2012)\n\n";
    out += fmt::format(
        "The model above trained on reweighed rows: each (group, label) cell weighted so that group and label are "
        "independent. The same recipe without reweighing, on the same split: held-out AUC {} without, {} with "
        "(a cost of {}).\n\n",
        value(f.auc_without_mitigation), value(f.auc), value(f.auc_without_mitigation - f.auc));
    std::vector<std::vector<std::string>> rows;
    for (size_t k = 0; k < f.attributes.size() && k < f.without_mitigation.size(); ++k) {
      const auto& with = f.attributes[k].at_model_threshold;
      const auto& without = f.without_mitigation[k].at_model_threshold;
      for (const auto& g : with.groups)
        for (const auto& h : without.groups)
          if (h.group == g.group)
            rows.push_back({f.attributes[k].attribute, g.group, value(h.value.at("approval_rate")),
                            value(g.value.at("approval_rate")), value(h.value.at("adverse_impact_ratio")),
                            value(g.value.at("adverse_impact_ratio")),
                            value(h.value.at("equal_opportunity_difference")),
                            value(g.value.at("equal_opportunity_difference"))});
    }
    out += md_table({"attribute", "group", "approval without", "approval with", "impact ratio without",
                     "impact ratio with", "equal opp. diff without", "equal opp. diff with"},
                    rows) +
           "\n";
  }
  return out;
}

plot::Figure fairness_figure(const FairnessReportData& f) {
  std::vector<std::string> names;
  std::vector<double> values;
  for (const auto& a : f.attributes)
    for (const auto& g : a.at_model_threshold.groups) {
      if (std::isnan(g.value.at("adverse_impact_ratio"))) continue;  // undefined: no bar, rather than a 0
      names.push_back(a.attribute + ": " + g.group);
      values.push_back(g.value.at("adverse_impact_ratio"));
    }
  plot::Figure fig("Adverse impact ratio per group (four-fifths rule: 0.8)", "approval rate / most-favoured group's",
                   "group");
  fig.horizontal_bars(names, values);
  return fig;
}

}  // namespace deepfin::report::detail
