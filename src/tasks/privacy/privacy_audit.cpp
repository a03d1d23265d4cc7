#include "deepfin/tasks/privacy_audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "deepfin/base/error.h"
#include "deepfin/metrics/credit/roc.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/image_task.h"
#include "deepfin/tasks/text_task.h"

namespace deepfin::tasks {
namespace {

constexpr double kMinProbability = 1e-7;  // losses stay finite for confident mistakes

double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

// The job as the audit trains it: every training row used, no validation part,
// and the neural model alone (DP-SGD cannot train a stacked linear text model).
JobSpec audit_job(const JobSpec& job, bool private_training) {
  JobSpec j = job;
  j.text.linear = "none";
  j.fit.validation = FitSpec::Validation::none;
  j.fit.validation_split = 0.0;
  j.fit.early_stopping.reset();
  j.fit.verbose = 0;
  if (!private_training)
    j.fit.privacy.reset();
  else if (!j.fit.privacy)
    j.fit.privacy = privacy::PrivacyOptions{.epsilon = 1.0, .seed = job.seed.value_or(0)};
  return j;
}

// -log p(true class) of each row. `probabilities` holds `columns` values a row:
// one (the positive class's, for 0/1 classes) or one per class.
std::vector<double> true_class_losses(const std::vector<double>& probabilities, int64_t columns,
                                      const std::vector<int64_t>& classes) {
  std::vector<double> out(classes.size());
  for (size_t i = 0; i < classes.size(); ++i) {
    const int64_t c = classes[i];
    const double q = columns == 1 ? (c == 1 ? probabilities[i] : 1.0 - probabilities[i])
                                  : probabilities[i * static_cast<size_t>(columns) + static_cast<size_t>(c)];
    out[i] = -std::log(std::max(q, kMinProbability));
  }
  return out;
}

std::vector<double> true_class_losses(const Tensor& probabilities, const std::vector<int64_t>& classes) {
  const Tensor p = probabilities.to(DType::float64).contiguous();
  return true_class_losses(p.to_vector<double>(), p.numel() / std::max<int64_t>(p.size(0), 1), classes);
}

AuditedModel audit_credit(const JobSpec& job, bool private_training, uint64_t seed) {
  const CreditTask task(audit_job(job, private_training));
  const CreditSplit split = task.split(seed);
  const CreditFit fit = task.fit(split.train, seed, 0);
  AuditedModel out;
  out.test_metrics = task.evaluate(fit.model, split.test);
  const auto members = true_class_losses(fit.model.predict_proba(split.train), 1, task.classes(split.train));
  const auto others = true_class_losses(fit.model.predict_proba(split.test), 1, task.classes(split.test));
  out.attack = loss_threshold_attack(members, others);
  if (const auto g = fit.model.model().attachment("privacy"); !g.is_null())
    out.guarantee = privacy::guarantee_from_json(g);
  return out;
}

AuditedModel audit_text(const JobSpec& job, bool private_training, uint64_t seed) {
  JobSpec j = audit_job(job, private_training);
  j.text.cross_fit = false;  // it needs an ensemble
  j.text.ensemble = 1;       // one model on each side; under DP each member would spend the budget again
  const TextTask task(j);
  const TextSplit split = task.split(seed);
  const TextFit fit = task.fit(split.train, 0);
  AuditedModel out;
  const metrics::ClassReport report = task.evaluate(fit.classifier, split.test);
  out.test_metrics = {{"accuracy", report.accuracy}, {"macro_f1", report.macro_f1}};
  auto losses = [&](const text::LabelledText& rows) {
    return true_class_losses(fit.classifier.predict_proba(rows.texts), fit.classifier.labels().encode(rows.labels));
  };
  out.attack = loss_threshold_attack(losses(split.train), losses(split.test));
  if (const auto g = fit.classifier.model().attachment("privacy"); !g.is_null())
    out.guarantee = privacy::guarantee_from_json(g);
  return out;
}

AuditedModel audit_arrays(const JobSpec& job, bool private_training, uint64_t seed) {
  const ImageTask task(audit_job(job, private_training));
  const data::Dataset data = task.load_data(seed);
  const auto model = task.build_model(data);
  task.fit(*model, data, {}, 0);
  AuditedModel out;
  out.test_metrics = task.evaluate(*model, data).logs;
  out.attack = loss_threshold_attack(true_class_losses(model->predict(data.x_train, 256), class_ids(data.y_train)),
                                     true_class_losses(model->predict(data.x_test, 256), class_ids(data.y_test)));
  if (const auto g = model->attachment("privacy"); !g.is_null()) out.guarantee = privacy::guarantee_from_json(g);
  return out;
}

}  // namespace

MembershipAttack loss_threshold_attack(std::span<const double> member_losses,
                                       std::span<const double> nonmember_losses) {
  if (member_losses.empty() || nonmember_losses.empty())
    throw ValueError(fmt::format("membership attack: needs members and non-members, got {} and {}",
                                 member_losses.size(), nonmember_losses.size()));
  std::vector<double> scores;
  std::vector<int> is_member;
  for (double l : member_losses) scores.push_back(-l), is_member.push_back(1);
  for (double l : nonmember_losses) scores.push_back(-l), is_member.push_back(0);
  for (double s : scores)
    if (std::isnan(s)) throw ValueError("membership attack: a per-row loss is NaN");
  MembershipAttack out;
  out.auc = metrics::roc_auc(scores, is_member);
  const metrics::RocCurve roc = metrics::roc_curve(scores, is_member);
  for (size_t k = 0; k < roc.fpr.size(); ++k)
    if (roc.fpr[k] <= 0.01) out.tpr_at_1pct_fpr = std::max(out.tpr_at_1pct_fpr, roc.tpr[k]);
  out.members = static_cast<int64_t>(member_losses.size());
  out.nonmembers = static_cast<int64_t>(nonmember_losses.size());
  out.member_loss = mean({member_losses.begin(), member_losses.end()});
  out.nonmember_loss = mean({nonmember_losses.begin(), nonmember_losses.end()});
  return out;
}

PrivacyAudit audit_privacy(const JobSpec& job, uint64_t seed, const Progress& progress) {
  auto run = [&](bool private_training) {
    report_progress(progress, private_training ? "audit: training with DP-SGD" : "audit: training without DP",
                    {{"event", "audit_training"}, {"private", private_training}});
    if (job.data.tabular()) return audit_credit(job, private_training, seed);
    if (job.data.text()) return audit_text(job, private_training, seed);
    if (job.data.series())
      throw ConfigError(fmt::format(
          "{}: audit-privacy runs on credit (csv, arff), text and array jobs; this job reads series data (a "
          "forecast's training windows overlap in time, so no row is cleanly in or out of training)",
          job.file.string()));
    return audit_arrays(job, private_training, seed);
  };
  PrivacyAudit audit;
  audit.without_dp = run(false);
  audit.with_dp = run(true);
  return audit;
}

}  // namespace deepfin::tasks
