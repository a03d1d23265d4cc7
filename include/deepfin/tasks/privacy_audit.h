#pragma once
// The privacy audit: does the trained model give away who was in its training
// set? A membership-inference attack against the job's model trained with and
// without DP-SGD, side by side, as a privacy officer asks for.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "deepfin/privacy/privacy_options.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/tasks/progress.h"

namespace deepfin::tasks {

struct MembershipAttack {
  double auc = 0.5;              // 0.5: the attacker cannot tell members from others
  double tpr_at_1pct_fpr = 0.0;  // members found while wrongly accusing at most 1% of the others
  int64_t members = 0, nonmembers = 0;
  double member_loss = 0.0, nonmember_loss = 0.0;  // mean per-row loss of each group
};

// The loss-threshold attack (Yeom et al. 2018): a row is called a member when the
// model's loss on it is below a threshold; AUC over every threshold. ValueError
// when either group is empty or a loss is NaN.
MembershipAttack loss_threshold_attack(std::span<const double> member_losses, std::span<const double> nonmember_losses);

struct AuditedModel {
  std::map<std::string, double> test_metrics;  // held-out quality: auc for credit, accuracy for text and arrays
  MembershipAttack attack;
  std::optional<privacy::Guarantee> guarantee;  // with DP only
};

struct PrivacyAudit {
  AuditedModel without_dp, with_dp;
};

// Trains the job's model twice on its training split, without and with DP-SGD
// (the job's [privacy], or epsilon = 1 when it has none), and attacks each with
// its training rows as members and its test rows as non-members. To make every
// member a row the model really trained on, the audit holds out no validation
// part and runs no early stopping. Credit (csv, arff), text (one model, no
// ensemble) and array jobs; ConfigError for series jobs.
PrivacyAudit audit_privacy(const JobSpec& job, uint64_t seed, const Progress& progress = {});

}  // namespace deepfin::tasks
