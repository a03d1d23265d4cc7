// deepfin explain MODEL ROWS.csv: for every row, the score, the decision and the
// principal adverse reasons (integrated gradients of the log-odds, rolled up to
// the columns the applicant filled in), as a table or JSON.
#include <fmt/format.h>

#include "commands.h"
#include "decision_log_options.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/tasks/decision_log.h"

namespace deepfin::cli {
namespace {

struct ExplainArgs {
  std::string model, rows, format = "table", rule = "trapezoid";
  tasks::DecisionLogOptions log;
  int reasons = 4;
  int64_t steps = 64;
};

nlohmann::json to_json(const tabular::RowExplanation& e, const tabular::TabularModel& model) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& r : e.reasons) reasons.push_back({{"reason", r.text}, {"log_odds_contribution", r.attribution}});
  return {{"line", e.line},
          {"probability", e.probability},
          {"decision", e.adverse ? "adverse" : "accept"},
          {"points", model.points(e.probability)},
          {"log_odds", e.log_odds},
          {"baseline_log_odds", e.baseline_log_odds},
          {"completeness_gap", e.completeness_gap},
          {"reasons", reasons}};
}

int run_explain(const RunContext& ctx, const ExplainArgs& args) {
  ctx.apply({}, {}, args.format == "json");
  const tabular::TabularModel model = tabular::TabularModel::load(args.model);
  const data::Table rows = model.read_rows(args.rows);
  tabular::ExplainOptions options;
  options.integration.steps = args.steps;
  options.integration.rule = explain::integration_rule_from_string(args.rule);
  options.max_reasons = args.reasons;
  const auto explanations = model.explain(rows, options);
  if (!args.log.path.empty()) tasks::DecisionLog(args.log, args.model).append(rows, explanations, model);
  const int64_t unseen = model.preprocessor().last_unseen_count();

  double max_gap = 0;
  for (const auto& e : explanations) max_gap = std::max(max_gap, std::abs(e.completeness_gap));
  if (args.format == "json") {
    nlohmann::json out = {{"model", args.model},
                          {"threshold", model.threshold()},
                          {"baseline", "training means"},
                          {"explains", "log-odds of the positive class"},
                          {"integration", {{"rule", args.rule}, {"steps", args.steps}}},
                          {"max_completeness_gap", max_gap},
                          {"unseen_categories", unseen},
                          {"rows", nlohmann::json::array()}};
    for (const auto& e : explanations) out["rows"].push_back(to_json(e, model));
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print(
      "{} rows from {} | decision: adverse when p >= {:.3f} | attributions: integrated gradients of the "
      "log-odds from the training means ({} {} steps)\n",
      rows.num_rows(), rows.source, model.threshold(), args.rule, args.steps);
  for (const auto& e : explanations) {
    fmt::print("\nline {:>5}  p = {:.3f}  points {:.0f}  -> {}\n", e.line, e.probability, model.points(e.probability),
               e.adverse ? "ADVERSE (decline)" : "accept");
    if (e.reasons.empty()) fmt::print("  no adverse reasons (nothing raised the risk above the baseline)\n");
    for (size_t k = 0; k < e.reasons.size(); ++k)
      fmt::print("  {}. {:<50} {:+.3f} log-odds\n", k + 1, e.reasons[k].text, e.reasons[k].attribution);
  }
  fmt::print("\ncompleteness check: max |sum of attributions - (log-odds - baseline log-odds)| = {:.2e}\n", max_gap);
  if (unseen > 0)
    fmt::print("note: {} cells held categories never seen in training; they were encoded as unknown\n", unseen);
  return 0;
}

}  // namespace

Command add_explain_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("explain", "score rows of a CSV with a tabular model and give the adverse reasons");
  auto args = std::make_shared<ExplainArgs>();
  sub->add_option("model", args->model, "tabular model file (.safetensors)")->required();
  sub->add_option("rows", args->rows, "rows to explain (.csv or .arff, same columns as the training file)")->required();
  sub->add_option("--format", args->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  sub->add_option("--reasons", args->reasons, "adverse reasons per row (default 4)")->check(CLI::Range(0, 20));
  sub->add_option("--steps", args->steps, "integration steps (default 64)")->check(CLI::Range(1, 100000));
  sub->add_option("--rule", args->rule, "left, right, midpoint or trapezoid (default)")
      ->check(CLI::IsMember({"left", "right", "midpoint", "trapezoid"}));
  add_decision_log_options(*sub, args->log);
  return {sub, [&ctx, args] { return run_explain(ctx, *args); }};
}

}  // namespace deepfin::cli
