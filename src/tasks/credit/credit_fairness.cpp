#include "deepfin/tasks/credit_fairness.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "deepfin/base/error.h"

namespace deepfin::tasks {
namespace {

std::string format_cut(double v) {
  return fmt::format("{:g}", v);
}

std::string band_of(double v, const std::vector<double>& cuts) {
  if (v < cuts.front()) return "<" + format_cut(cuts.front());
  for (size_t i = 1; i < cuts.size(); ++i)
    if (v < cuts[i]) return format_cut(cuts[i - 1]) + "-" + format_cut(cuts[i]);
  return ">=" + format_cut(cuts.back());
}

// A column as categories: quintile bins (edges from its own values) for a numeric column,
// its text otherwise; "(missing)" for a missing cell.
std::vector<std::string> categories_of(const data::TableColumn& column, bool numeric) {
  std::vector<std::string> out;
  std::vector<double> numbers;
  if (numeric)
    for (const auto& v : column.values)
      if (v) numbers.push_back(std::strtod(v->c_str(), nullptr));
  if (numbers.empty()) {
    for (const auto& v : column.values) out.push_back(v ? *v : "(missing)");
    return out;
  }
  std::vector<double> sorted = numbers;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (int q = 1; q < 5; ++q) edges.push_back(sorted[sorted.size() * q / 5]);
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  for (const auto& v : column.values) {
    if (!v) {
      out.push_back("(missing)");
      continue;
    }
    const double d = std::strtod(v->c_str(), nullptr);
    out.push_back(std::to_string(std::upper_bound(edges.begin(), edges.end(), d) - edges.begin()));
  }
  return out;
}

}  // namespace

std::vector<std::string> protected_groups(const data::Table& rows, const ProtectedAttribute& attribute) {
  const data::TableColumn& column = rows.column(attribute.column);
  std::vector<std::string> out;
  out.reserve(column.values.size());
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    const auto& cell = column.values[r];
    if (!cell) {
      out.push_back("(missing)");
    } else if (!attribute.bands.empty()) {
      char* end = nullptr;
      const double v = std::strtod(cell->c_str(), &end);
      if (end == cell->c_str() || *end != '\0' || !std::isfinite(v))
        throw ValueError(fmt::format("{}: protected attribute '{}' has bands, but '{}' is not a number", rows.where(r),
                                     attribute.column, *cell));
      out.push_back(band_of(v, attribute.bands));
    } else if (!attribute.groups.empty()) {
      const auto it = attribute.groups.find(*cell);
      if (it == attribute.groups.end())
        throw ValueError(fmt::format("{}: '{}' = '{}' is in no group of [fairness.groups.{}]", rows.where(r),
                                     attribute.column, *cell, attribute.column));
      out.push_back(it->second);
    } else {
      out.push_back(*cell);
    }
  }
  return out;
}

std::vector<std::string> group_order(const ProtectedAttribute& attribute, std::vector<std::string> groups) {
  std::sort(groups.begin(), groups.end());
  if (attribute.bands.empty()) return groups;
  std::vector<std::string> bands = {"<" + format_cut(attribute.bands.front())};
  for (size_t i = 1; i < attribute.bands.size(); ++i)
    bands.push_back(format_cut(attribute.bands[i - 1]) + "-" + format_cut(attribute.bands[i]));
  bands.push_back(">=" + format_cut(attribute.bands.back()));
  auto rank = [&](const std::string& g) {
    const auto it = std::find(bands.begin(), bands.end(), g);
    return it == bands.end() ? bands.size() : static_cast<size_t>(it - bands.begin());  // "(missing)" last
  };
  std::stable_sort(groups.begin(), groups.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return groups;
}

namespace {

void sort_table(metrics::FairnessTable& table, const ProtectedAttribute& attribute) {
  std::vector<std::string> names;
  for (const auto& g : table.groups) names.push_back(g.group);
  const std::vector<std::string> order = group_order(attribute, names);
  std::sort(table.groups.begin(), table.groups.end(), [&](const auto& a, const auto& b) {
    return std::find(order.begin(), order.end(), a.group) < std::find(order.begin(), order.end(), b.group);
  });
}

}  // namespace

MeasuredGroups measured_groups(const data::Table& rows, const ProtectedAttribute& attribute, int64_t min_rows) {
  const std::vector<std::string> all = protected_groups(rows, attribute);
  std::map<std::string, int64_t> counts;
  for (const auto& g : all) ++counts[g];
  MeasuredGroups out;
  for (const auto& [group, count] : counts)
    if (count < min_rows) out.too_small.emplace_back(group, count);
  // One group alone has nothing to be compared with: then no group is measured.
  if (counts.size() - out.too_small.size() < 2) {
    out.too_small.clear();
    for (const auto& [group, count] : counts) out.too_small.emplace_back(group, count);
    return out;
  }
  for (size_t r = 0; r < all.size(); ++r)
    if (counts[all[r]] >= min_rows) {
      out.groups.push_back(all[r]);
      out.rows.push_back(static_cast<int64_t>(r));
    }
  return out;
}

std::pair<std::vector<double>, std::vector<int>> measured_scores(const MeasuredGroups& m, const std::vector<double>& p,
                                                                 const std::vector<int>& labels) {
  std::pair<std::vector<double>, std::vector<int>> out;
  for (int64_t r : m.rows) {
    out.first.push_back(p[r]);
    out.second.push_back(labels[r]);
  }
  return out;
}

void check_protected_columns(const data::Table& rows, const FairnessSpec& spec, const std::string& job_file) {
  std::vector<std::string> missing, present;
  for (const auto& a : spec.attributes)
    if (rows.find_column(a.column) < 0) missing.push_back(a.column);
  if (missing.empty()) {
    for (const auto& a : spec.attributes) protected_groups(rows, a);  // every value has its group
    return;
  }
  for (const auto& c : rows.columns) present.push_back(c.name);
  throw ConfigError(fmt::format("{}: [fairness] protected column{} {} {} not in {}; the columns are: {}", job_file,
                                missing.size() > 1 ? "s" : "", fmt::join(missing, ", "),
                                missing.size() > 1 ? "are" : "is", rows.source, fmt::join(present, ", ")));
}

double cramers_v(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) throw ShapeError(fmt::format("cramers_v: {} and {} values", a.size(), b.size()));
  std::map<std::string, double> ca, cb;
  std::map<std::pair<std::string, std::string>, double> joint;
  for (size_t i = 0; i < a.size(); ++i) {
    ca[a[i]] += 1;
    cb[b[i]] += 1;
    joint[{a[i], b[i]}] += 1;
  }
  const double n = static_cast<double>(a.size());
  const double k = static_cast<double>(std::min(ca.size(), cb.size()));
  if (n == 0 || k < 2) return 0.0;
  double chi2 = 0;
  for (const auto& [x, nx] : ca)
    for (const auto& [y, ny] : cb) {
      const double expected = nx * ny / n;
      const auto it = joint.find({x, y});
      const double observed = it == joint.end() ? 0.0 : it->second;
      chi2 += (observed - expected) * (observed - expected) / expected;
    }
  return std::sqrt(chi2 / (n * (k - 1)));
}

std::vector<ProxyFlag> proxy_screen(const data::Table& train, const FairnessSpec& spec,
                                    const std::vector<data::ColumnInfo>& inputs) {
  std::vector<ProxyFlag> out;
  for (const auto& attribute : spec.attributes) {
    const std::vector<std::string> groups = protected_groups(train, attribute);
    for (const data::ColumnInfo& input : inputs) {
      const bool is_protected = std::any_of(spec.attributes.begin(), spec.attributes.end(),
                                            [&](const auto& a) { return a.column == input.name; });
      if (is_protected) continue;  // under "monitor": a protected input is no proxy of another
      const double v =
          cramers_v(categories_of(train.column(input.name), input.kind == data::ColumnKind::numeric), groups);
      if (v >= spec.proxy_threshold) out.push_back({input.name, attribute.column, v});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.cramers_v > y.cramers_v; });
  return out;
}

std::vector<float> reweighing_weights(const data::Table& train, const std::vector<int64_t>& classes,
                                      const FairnessSpec& spec) {
  std::vector<std::string> cell(classes.size());
  for (const auto& attribute : spec.attributes) {
    const std::vector<std::string> groups = protected_groups(train, attribute);
    for (size_t i = 0; i < cell.size(); ++i) cell[i] += groups[i] + "\x1f";
  }
  std::map<std::string, double> n_group;
  std::map<int64_t, double> n_label;
  std::map<std::pair<std::string, int64_t>, double> n_joint;
  for (size_t i = 0; i < cell.size(); ++i) {
    n_group[cell[i]] += 1;
    n_label[classes[i]] += 1;
    n_joint[{cell[i], classes[i]}] += 1;
  }
  const double n = static_cast<double>(cell.size());
  std::vector<float> w(cell.size());
  for (size_t i = 0; i < cell.size(); ++i)
    w[i] = static_cast<float>(n_group[cell[i]] * n_label[classes[i]] / (n * n_joint[{cell[i], classes[i]}]));
  return w;
}

nlohmann::json to_json(const AttributeFairness& fairness) {
  auto table = [](const metrics::FairnessTable& t) {
    nlohmann::json groups = nlohmann::json::object();
    for (const auto& g : t.groups)
      groups[g.group] = {{"rows", g.rows}, {"value", g.value}, {"low", g.low}, {"high", g.high}};
    return nlohmann::json{{"threshold", t.threshold}, {"reference_group", t.reference_group}, {"groups", groups}};
  };
  nlohmann::json small = nlohmann::json::object();
  for (const auto& [group, rows] : fairness.too_small) small[group] = rows;
  return {{"attribute", fairness.attribute},
          {"at_model_threshold", table(fairness.at_model_threshold)},
          {"at_min_cost", table(fairness.at_min_cost)},
          {"not_measured", small}};
}

std::vector<AttributeFairness> credit_fairness(const tabular::TabularModel& model, const data::Table& rows,
                                               const std::vector<int64_t>& classes, const FairnessSpec& spec,
                                               const metrics::CostMatrix& costs, uint64_t seed) {
  const std::vector<double> p = model.predict_proba(rows);
  const std::vector<int> labels(classes.begin(), classes.end());
  const double min_cost = metrics::min_cost_threshold(p, labels, costs).threshold;
  std::vector<AttributeFairness> out;
  for (size_t k = 0; k < spec.attributes.size(); ++k) {
    const ProtectedAttribute& attribute = spec.attributes[k];
    const MeasuredGroups m = measured_groups(rows, attribute, spec.min_group_rows);
    if (m.rows.empty()) {
      out.push_back(
          {.attribute = attribute.column, .at_model_threshold = {}, .at_min_cost = {}, .too_small = m.too_small});
      continue;
    }
    const auto [mp, ml] = measured_scores(m, p, labels);
    AttributeFairness f{attribute.column,
                        metrics::fairness_table(mp, ml, m.groups, model.threshold(), spec.bootstrap, seed + k),
                        metrics::fairness_table(mp, ml, m.groups, min_cost, spec.bootstrap, seed + k), m.too_small};
    sort_table(f.at_model_threshold, attribute);
    sort_table(f.at_min_cost, attribute);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace deepfin::tasks
