#include "deepfin/report/model_card.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"
#include "report/markdown.h"

namespace deepfin::report {
namespace {

std::string number(const nlohmann::json& v) {
  if (!v.is_number()) return "n/a";
  const double d = v.get<double>();
  return std::isnan(d) ? "n/a" : fmt::format("{:.4f}", d);
}

std::string bullet_list(const nlohmann::json& items) {
  std::string out;
  for (const auto& item : items) out += "- " + item.get<std::string>() + "\n";
  return out + "\n";
}

std::string fairness_part(const nlohmann::json& f) {
  if (f.is_null()) return "No [fairness] table in the job: no protected attribute was declared or measured.\n\n";
  std::string out = fmt::format("Protected attributes: {} ({}). Mitigation: {}.\n\n", f.at("protected").dump(),
                                f.at("use").get<std::string>() == "exclude" ? "kept out of the model's inputs"
                                                                            : "model inputs, never cited as reasons",
                                f.at("mitigation").get<std::string>());
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : f.at("tables"))
    for (const auto& g : t.at("groups"))
      rows.push_back({t.at("attribute").get<std::string>(), g.at("group").get<std::string>(),
                      std::to_string(g.at("rows").get<int64_t>()), number(g.at("approval_rate")),
                      fmt::format("{} [{}, {}]", number(g.at("adverse_impact_ratio")), number(g.at("air_low")),
                                  number(g.at("air_high"))),
                      number(g.at("equal_opportunity_difference")), number(g.at("auc"))});
  if (!rows.empty())
    out += "Held-out groups at the model's threshold (the report has the intervals of every metric):\n\n" +
           detail::md_table({"attribute", "group", "rows", "approval rate", "adverse impact ratio [95 %]",
                             "equal opportunity diff", "AUC"},
                            rows) +
           "\n";
  for (const auto& n : f.at("not_measured")) out += "- Not measured: " + n.get<std::string>() + "\n";
  if (!f.at("proxies").empty()) {
    out += "\nPossible proxies (Cramer's V):";
    for (const auto& p : f.at("proxies"))
      out += fmt::format(" {} ~ {} ({});", p.at("input").get<std::string>(), p.at("attribute").get<std::string>(),
                         number(p.at("cramers_v")));
    out += "\n";
  }
  return out + "\n";
}

}  // namespace

std::string model_card_markdown(const nlohmann::json& card) {
  try {
    const nlohmann::json& data = card.at("data");
    std::string out = fmt::format("# Model card: {}\n\n", card.at("name").get<std::string>());
    out += fmt::format("Made by deepfin {} from the job file `{}` (SHA-256 {}).\n\n",
                       card.at("deepfin_version").get<std::string>(), card.at("job").get<std::string>(),
                       card.at("job_sha256").get<std::string>());
    out += "## Intended use\n\n" + bullet_list(card.at("intended_use"));
    out += "## Out-of-scope uses\n\n" + bullet_list(card.at("out_of_scope"));
    out += "## Training data\n\n";
    out += fmt::format("- Source: `{}`\n- Rows: {} ({} with the adverse label)\n- Period: {}\n",
                       data.at("source").get<std::string>(), data.at("rows").get<int64_t>(),
                       data.at("positives").get<int64_t>(), data.at("period").get<std::string>());
    out += fmt::format("- Target: `{}`; adverse (positive) label: `{}`\n- Split: {}\n\n",
                       data.at("target").get<std::string>(), data.at("positive_label").get<std::string>(),
                       data.at("split").get<std::string>());
    out += "## Metrics\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [metric, v] : card.at("metrics").at("held_out").items()) {
      const nlohmann::json& cv = card.at("metrics").at("cv");
      rows.push_back({metric, number(v),
                      cv.contains(metric) ? number(cv.at(metric).at(0)) + " ± " + number(cv.at(metric).at(1)) : "—"});
    }
    out += detail::md_table({"metric", "held-out",
                             fmt::format("{}-fold CV (mean ± std)", card.at("metrics").at("folds").get<int>())},
                            rows) +
           "\n";
    out += fmt::format(
        "Decisions: declined when p(adverse) >= {} (costs: approving a bad applicant {:g}, declining a good "
        "one {:g}).\n\n",
        number(card.at("decision").at("threshold")), card.at("decision").at("cost_false_negative").get<double>(),
        card.at("decision").at("cost_false_positive").get<double>());
    out += "## Fairness\n\n" + fairness_part(card.at("fairness"));
    out += "## Privacy\n\n";
    out += card.at("privacy").is_null() ? "Trained without differential privacy.\n\n"
                                        : card.at("privacy").get<std::string>() + "\n\n";
    out += "## Explanations\n\n" + card.at("explanation").get<std::string>() + "\n\n";
    out += "## Known limitations\n\n" + bullet_list(card.at("limitations"));
    out += "## Model\n\n" + detail::md_code_block(card.at("architecture").get<std::string>());
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw FileError(fmt::format("model card: the card document is malformed: {}", e.what()));
  }
}

}  // namespace deepfin::report
