// The risk statistics against separate implementations (tests/parity/generate_risk_fixtures.py):
// GARCH(1,1) maximum likelihood against scipy's SLSQP on another parameterization, the
// Diebold–Mariano test and the VaR backtests against scipy.stats, filtered historical VaR
// against numpy's quantile, and the ADF statistic and critical value against statsmodels.
#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "deepfin/backtest/filtered_historical_var.h"
#include "deepfin/backtest/significance.h"
#include "deepfin/backtest/unit_root.h"
#include "deepfin/backtest/value_at_risk.h"
#include "deepfin/backtest/volatility.h"
#include "testing/fixtures.h"

namespace deepfin::backtest {
namespace {

using V = std::vector<double>;

const nlohmann::json& fixture() {
  static const nlohmann::json j = testing::load_fixture("risk_statistics");
  return j;
}

TEST(RiskParity, GarchMaximumLikelihoodMatchesScipy) {
  const V r = fixture()["garch"]["returns"].get<V>();
  const auto& ref = fixture()["garch"]["fit"];
  const Garch11 fit = fit_garch11(r);
  // The likelihood is flat along omega/beta; both optimizers must reach the same maximum.
  EXPECT_NEAR(fit.log_likelihood, ref["log_likelihood"].get<double>(), 1e-6);
  EXPECT_NEAR(fit.alpha, ref["alpha"].get<double>(), 2e-4);
  EXPECT_NEAR(fit.beta, ref["beta"].get<double>(), 5e-4);
  EXPECT_NEAR(fit.omega, ref["omega"].get<double>(), 0.01 * ref["omega"].get<double>());
  // The reported likelihood is the likelihood of the reported parameters.
  EXPECT_NEAR(garch11_log_likelihood(fit, r, initial_variance(r)), fit.log_likelihood, 1e-9);
}

TEST(RiskParity, DieboldMarianoMatchesScipy) {
  const auto& j = fixture()["diebold_mariano"];
  const V model = j["loss_model"].get<V>(), base = j["loss_baseline"].get<V>();
  for (int h : {1, 5}) {
    const auto& ref = j[h == 1 ? "h1" : "h5"];
    const DieboldMariano dm = diebold_mariano(model, base, h);
    EXPECT_NEAR(dm.statistic, ref["statistic"].get<double>(), 1e-10) << h;
    EXPECT_NEAR(dm.p_value, ref["p_value"].get<double>(), 1e-10) << h;
    EXPECT_EQ(verdict(dm, 0.05), Verdict::ties) << h;  // p = 0.098 and 0.46
    EXPECT_EQ(verdict(dm, 0.10), h == 1 ? Verdict::loses : Verdict::ties);
  }
}

TEST(RiskParity, VarBacktestsMatchScipy) {
  const auto& j = fixture()["var"];
  const V r = j["returns"].get<V>(), variance = j["variance"].get<V>();
  for (const auto& c : j["cases"]) {
    const double level = c["level"];
    const V var = gaussian_var(variance, level), es = gaussian_expected_shortfall(variance, level);
    const V ref_var = c["var"].get<V>(), ref_es = c["es"].get<V>();
    for (size_t t = 0; t < r.size(); ++t) {
      ASSERT_NEAR(var[t], ref_var[t], 1e-12);
      ASSERT_NEAR(es[t], ref_es[t], 1e-12);
    }
    const VarBacktest b = backtest_var(r, var, es, level);
    EXPECT_EQ(b.exceptions, c["exceptions"].get<int64_t>());
    EXPECT_NEAR(b.kupiec_statistic, c["kupiec_statistic"].get<double>(), 1e-10);
    EXPECT_NEAR(b.kupiec_p, c["kupiec_p"].get<double>(), 1e-10);
    EXPECT_NEAR(b.independence_statistic, c["independence_statistic"].get<double>(), 1e-10);
    EXPECT_NEAR(b.independence_p, c["independence_p"].get<double>(), 1e-10);
    EXPECT_NEAR(b.conditional_p, c["conditional_p"].get<double>(), 1e-10);
    EXPECT_EQ(to_string(b.light), c["light"].get<std::string>());
    EXPECT_NEAR(b.shortfall_ratio, c["shortfall_ratio"].get<double>(), 1e-12);
  }
}

TEST(RiskParity, FilteredHistoricalVarMatchesNumpy) {
  const V r = fixture()["var"]["returns"].get<V>(), variance = fixture()["var"]["variance"].get<V>();
  const size_t k = fixture()["filtered_historical"]["calibration"].get<size_t>();
  const std::span<const double> rs(r), vs(variance);
  for (const auto& c : fixture()["filtered_historical"]["cases"]) {
    const double level = c["level"];
    const StandardizedTail tail = standardized_tail(rs.first(k), vs.first(k), level);
    EXPECT_EQ(tail.n, static_cast<int64_t>(k));
    EXPECT_NEAR(tail.var_multiple, c["var_multiple"].get<double>(), 1e-12);
    EXPECT_NEAR(tail.es_multiple, c["es_multiple"].get<double>(), 1e-12);
    const V var = filtered_historical_var(vs.subspan(k), tail);
    const V es = filtered_historical_expected_shortfall(vs.subspan(k), tail);
    const VarBacktest b = backtest_var(rs.subspan(k), var, es, level);
    EXPECT_EQ(b.exceptions, c["exceptions"].get<int64_t>());
    EXPECT_NEAR(b.kupiec_p, c["kupiec_p"].get<double>(), 1e-10);
    EXPECT_NEAR(b.shortfall_ratio, c["shortfall_ratio"].get<double>(), 1e-12);
  }
}

TEST(RiskParity, AdfMatchesStatsmodels) {
  const auto& j = fixture()["adf"];
  for (const auto& c : j["cases"]) {
    const V y = j["series"][c["series"].get<std::string>()].get<V>();
    const AdfTest t = adf_test(y, c["lags"].get<int>());
    EXPECT_EQ(t.observations, c["observations"].get<int64_t>());
    EXPECT_NEAR(t.statistic, c["statistic"].get<double>(), 1e-8) << c.dump();
    EXPECT_NEAR(t.critical_5, c["critical_5"].get<double>(), 1e-9);
    EXPECT_EQ(t.mean_reverting, c["series"] == "ar1");
  }
}

}  // namespace
}  // namespace deepfin::backtest
