#include <gtest/gtest.h>

#include "deepfin/metrics/credit/credit.h"

namespace deepfin::metrics {
namespace {

// The umbrella header alone is enough to use every piece together.
TEST(CreditUmbrella, MetricsAgreeOnOneSample) {
  const std::vector<double> p{0.9, 0.8, 0.3, 0.1};
  const std::vector<int> y{1, 1, 0, 0};
  EXPECT_EQ(roc_auc(p, y), 1.0);
  EXPECT_EQ(ks_statistic(p, y).statistic, 1.0);
  EXPECT_EQ(pr_auc(p, y), 1.0);
  EXPECT_EQ(confusion_at(p, y, 0.5).accuracy(), 1.0);
  EXPECT_NEAR(brier_score(p, y), (0.01 + 0.04 + 0.09 + 0.01) / 4, 1e-12);
  EXPECT_GT(Scorecard{}.points(0.1), Scorecard{}.points(0.9));
}

}  // namespace
}  // namespace deepfin::metrics
