#pragma once
// Fair lending in the credit task ([fairness] in the job): which group each
// applicant belongs to, the screen for inputs that stand in for a protected
// attribute, reweighing (Kamiran & Calders 2012), and the group metrics of a
// model's decisions with their bootstrap intervals.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/data/tabular/preprocessor.h"
#include "deepfin/data/tabular/table.h"
#include "deepfin/metrics/credit/decision.h"
#include "deepfin/metrics/credit/fairness.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

// The group of every row for one protected attribute: its band ("<25", "25-35", ">=35"),
// its mapped group, or the value itself; "(missing)" for a missing cell. ConfigError naming
// the column and the columns there are when it does not exist; ValueError naming the row for
// a value outside a bands grouping's reach (not a number) or absent from a value map.
std::vector<std::string> protected_groups(const data::Table& rows, const ProtectedAttribute& attribute);

// The rows whose group is big enough to measure: a group with fewer than min_rows rows
// is named in too_small with its count, and its rows are left out of the comparison.
// When fewer than two groups are big enough, none is measured (every group is in too_small).
struct MeasuredGroups {
  std::vector<std::string> groups{};                         // of the measured rows
  std::vector<int64_t> rows{};                               // their indices in the table
  std::vector<std::pair<std::string, int64_t>> too_small{};  // group, rows
};
MeasuredGroups measured_groups(const data::Table& rows, const ProtectedAttribute& attribute, int64_t min_rows);
// The probabilities and labels of the measured rows, in m.rows order.
std::pair<std::vector<double>, std::vector<int>> measured_scores(const MeasuredGroups& m, const std::vector<double>& p,
                                                                 const std::vector<int>& labels);

// `groups` in the attribute's natural order: bands from low to high, otherwise by name.
std::vector<std::string> group_order(const ProtectedAttribute& attribute, std::vector<std::string> groups);

// ConfigError naming every protected column the table lacks; ValueError (from protected_groups)
// naming the row of a value outside its grouping. Run before training, so that nothing is fitted
// for a table the measurement would refuse.
void check_protected_columns(const data::Table& rows, const FairnessSpec& spec, const std::string& job_file);

// Cramer's V of two categorical variables (0: independent, 1: one determines the other).
double cramers_v(const std::vector<std::string>& a, const std::vector<std::string>& b);

// An input column strongly associated with a protected attribute.
struct ProxyFlag {
  std::string input{}, attribute{};
  double cramers_v = 0;
};
// Every (input, protected attribute) pair with Cramer's V >= spec.proxy_threshold, strongest first,
// over the model's inputs that are not protected themselves. Numeric inputs (by the preprocessor's
// kind) are cut at their quintiles; a missing cell is a category of its own.
std::vector<ProxyFlag> proxy_screen(const data::Table& train, const FairnessSpec& spec,
                                    const std::vector<data::ColumnInfo>& inputs);

// Kamiran & Calders' reweighing: w(g, y) = P(g) P(y) / P(g, y) for the intersection g of the
// protected groups, so that group and label are independent in the weighted training data.
std::vector<float> reweighing_weights(const data::Table& train, const std::vector<int64_t>& classes,
                                      const FairnessSpec& spec);

// One protected attribute's table at the model's threshold and at the threshold that
// minimizes the expected cost on the same rows.
struct AttributeFairness {
  std::string attribute{};
  metrics::FairnessTable at_model_threshold{}, at_min_cost{};
  std::vector<std::pair<std::string, int64_t>> too_small{};  // groups not measured: fewer rows than min_group_rows
};
// {"attribute", "at_model_threshold", "at_min_cost", "not_measured"}: each table as {"threshold",
// "reference_group", "groups": {group: {"rows", "value", "low", "high"}}}, not_measured as {group: rows};
// the form the command's JSON events and the Python module give.
nlohmann::json to_json(const AttributeFairness& fairness);

// Groups are measured_groups(..., spec.min_group_rows); the min-cost threshold is chosen on all the rows.
std::vector<AttributeFairness> credit_fairness(const tabular::TabularModel& model, const data::Table& rows,
                                               const std::vector<int64_t>& classes, const FairnessSpec& spec,
                                               const metrics::CostMatrix& costs, uint64_t seed);

}  // namespace deepfin::tasks
