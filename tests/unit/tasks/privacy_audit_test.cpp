// The loss-threshold membership attack on hand-made losses.
#include "deepfin/tasks/privacy_audit.h"

#include <gtest/gtest.h>

#include <vector>

#include "deepfin/base/error.h"

namespace deepfin::tasks {
namespace {

TEST(LossThresholdAttack, RanksLowLossesAsMembers) {
  const std::vector<double> members = {0.0, 1.0, 2.0}, others = {1.0, 2.0, 3.0};
  const MembershipAttack a = loss_threshold_attack(members, others);
  // Pairs (member, other) where the member's loss is lower, ties counting half: 7 of 9.
  EXPECT_NEAR(a.auc, 7.0 / 9.0, 1e-12);
  // At 0% false positives (1% of 3 rows) only the member with loss 0 is found.
  EXPECT_NEAR(a.tpr_at_1pct_fpr, 1.0 / 3.0, 1e-12);
  EXPECT_EQ(a.members, 3);
  EXPECT_DOUBLE_EQ(a.member_loss, 1.0);
  EXPECT_DOUBLE_EQ(a.nonmember_loss, 2.0);
}

TEST(LossThresholdAttack, IsBlindWhenTheLossesLookAlike) {
  const std::vector<double> same = {0.3, 0.7, 0.1, 0.9};
  EXPECT_DOUBLE_EQ(loss_threshold_attack(same, same).auc, 0.5);
}

TEST(LossThresholdAttack, RefusesEmptyGroups) {
  const std::vector<double> some = {0.1};
  EXPECT_THROW(loss_threshold_attack({}, some), ValueError);
  EXPECT_THROW(loss_threshold_attack(some, {}), ValueError);
}

}  // namespace
}  // namespace deepfin::tasks
