// deepfin privacy: plan a differentially private run before training (epsilon
// from the noise, or the noise for an epsilon). deepfin audit-privacy JOB: a
// membership-inference attack on the job's model with and without DP.
#include <fmt/format.h>

#include <optional>

#include "commands.h"
#include "deepfin/privacy/prv_accountant.h"
#include "deepfin/privacy/rdp_accountant.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/job_outputs.h"
#include "deepfin/tasks/privacy_audit.h"
#include "job_commands.h"

namespace deepfin::cli {
namespace {

struct PlanArgs {
  std::optional<double> noise_multiplier;
  std::optional<double> epsilon;
  double sample_rate = 0.0;
  int64_t steps = 0;
  double delta = 1e-5;
  std::string accountant = "rdp";
};

int run_plan(const RunContext& ctx, const PlanArgs& a) {
  if (a.noise_multiplier.has_value() == a.epsilon.has_value())
    throw ValueError(
        "privacy: give exactly one of --noise-multiplier (to get epsilon) and --epsilon (to get the noise)");
  if (a.steps < 1) throw ValueError(fmt::format("privacy: --steps must be >= 1, got {}", a.steps));
  privacy::check_sample_rate(a.sample_rate, "privacy --sample-rate");
  privacy::check_delta(a.delta, "privacy --delta");
  const bool prv = a.accountant == "prv";
  if (!prv && a.accountant != "rdp")
    throw ValueError(fmt::format("privacy: --accountant must be rdp or prv, got '{}'", a.accountant));
  double sigma = 0.0;
  if (a.epsilon) {
    privacy::check_epsilon(*a.epsilon, "privacy --epsilon");
    sigma = prv ? privacy::prv_noise_multiplier_for_epsilon(*a.epsilon, a.sample_rate, a.steps, a.delta)
                : privacy::noise_multiplier_for_epsilon(*a.epsilon, a.sample_rate, a.steps, a.delta);
  } else {
    privacy::check_noise_multiplier(*a.noise_multiplier, "privacy --noise-multiplier");
    sigma = *a.noise_multiplier;
  }
  nlohmann::json event = {{"event", "privacy"},           {"delta", a.delta}, {"noise_multiplier", sigma},
                          {"sample_rate", a.sample_rate}, {"steps", a.steps}, {"accountant", a.accountant}};
  std::string how;
  double epsilon = 0.0;
  if (prv) {
    const privacy::PrvEpsilon eps = privacy::prv_epsilon({{a.sample_rate, sigma, a.steps}}, a.delta);
    epsilon = eps.epsilon;
    event["slack"] = eps.slack;
    how = fmt::format("PRV accountant, an upper bound within {:.2g} of the exact value", eps.slack);
  } else {
    privacy::RdpAccountant accountant;
    accountant.step(a.sample_rate, sigma, a.steps);
    const privacy::EpsilonAt eps = accountant.epsilon(a.delta);
    epsilon = eps.epsilon;
    event["order"] = eps.order;
    how = fmt::format("RDP accountant, best order {:g}", eps.order);
  }
  event["epsilon"] = epsilon;
  print_event(
      ctx,
      fmt::format("epsilon {:.6g} at delta {:.3g}: noise multiplier {:.6g}, sampling rate {:.6g}, {} steps ({})",
                  epsilon, a.delta, sigma, a.sample_rate, a.steps, how),
      event);
  return 0;
}

nlohmann::json attack_json(const tasks::AuditedModel& m) {
  nlohmann::json j = {{"attack_auc", m.attack.auc},
                      {"tpr_at_1pct_fpr", m.attack.tpr_at_1pct_fpr},
                      {"member_loss", m.attack.member_loss},
                      {"nonmember_loss", m.attack.nonmember_loss},
                      {"test_metrics", m.test_metrics}};
  if (m.guarantee) j["guarantee"] = privacy::to_json(*m.guarantee);
  return j;
}

int run_audit(const RunContext& ctx, const std::string& job_path) {
  const tasks::JobSpec job = tasks::without_checkpoints(tasks::load_job_file(job_path));
  const uint64_t seed = ctx.apply(job.threads, job.seed);
  const tasks::PrivacyAudit audit = tasks::audit_privacy(job, seed, printer(ctx));
  const auto& plain = audit.without_dp;
  const auto& dp = audit.with_dp;
  const std::string quality = job.data.tabular() ? "auc" : "accuracy";
  auto metric = [&](const tasks::AuditedModel& m) {
    const auto it = m.test_metrics.find(quality);
    return it == m.test_metrics.end() ? std::nan("") : it->second;
  };
  std::string text = fmt::format(
      "membership inference (loss threshold, Yeom et al. 2018) on {}: {} training rows (members) against {} test "
      "rows\n  {:<28} {:>12} {:>12}\n",
      job.file.string(), plain.attack.members, plain.attack.nonmembers, "", "without DP", "with DP");
  text += fmt::format("  {:<28} {:>12.4f} {:>12.4f}\n", "attack AUC (0.5 = blind)", plain.attack.auc, dp.attack.auc);
  text += fmt::format("  {:<28} {:>12.4f} {:>12.4f}\n", "attack TPR at 1% FPR", plain.attack.tpr_at_1pct_fpr,
                      dp.attack.tpr_at_1pct_fpr);
  text += fmt::format("  {:<28} {:>12.4f} {:>12.4f}\n", "mean loss, members", plain.attack.member_loss,
                      dp.attack.member_loss);
  text += fmt::format("  {:<28} {:>12.4f} {:>12.4f}\n", "mean loss, non-members", plain.attack.nonmember_loss,
                      dp.attack.nonmember_loss);
  text += fmt::format("  {:<28} {:>12.4f} {:>12.4f}\n", "test " + quality, metric(plain), metric(dp));
  if (dp.guarantee) text += "  with DP: " + privacy::describe(*dp.guarantee);
  print_event(ctx, text,
              nlohmann::json{{"event", "audit"}, {"without_dp", attack_json(plain)}, {"with_dp", attack_json(dp)}});
  return 0;
}

}  // namespace

Command add_privacy_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("privacy", "epsilon of a DP-SGD plan, or the noise an epsilon needs");
  auto args = std::make_shared<PlanArgs>();
  sub->add_option("--noise-multiplier", args->noise_multiplier, "noise std / clipping norm (gives epsilon)");
  sub->add_option("--epsilon", args->epsilon, "target epsilon (gives the noise multiplier)");
  sub->add_option("--sample-rate", args->sample_rate, "probability that an example joins a step (batch / n)")
      ->required();
  sub->add_option("--steps", args->steps, "training steps (epochs x n / batch)")->required();
  sub->add_option("--delta", args->delta, "delta (default 1e-5; keep it below 1/n)");
  sub->add_option("--accountant", args->accountant, "rdp (default) or prv (tighter, about a second)");
  return {sub, [&ctx, args] { return run_plan(ctx, *args); }};
}

Command add_audit_privacy_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("audit-privacy",
                                 "membership-inference attack on the job's model, trained with and without DP-SGD");
  auto job = std::make_shared<std::string>();
  sub->add_option("job", *job, "job file (TOML) with csv, arff, text or array data")->required();
  return {sub, [&ctx, job] { return run_audit(ctx, *job); }};
}

}  // namespace deepfin::cli
