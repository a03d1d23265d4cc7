// [fairness] and [reasons] of a credit job: the protected attributes and their
// groups, how they are kept from the model, and the wording of adverse reasons.
#include <fmt/format.h>

#include <algorithm>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "spec_parsers.h"

namespace deepfin::tasks {

bool FairnessSpec::excluded(const std::string& column) const {
  if (use != "exclude") return false;
  return std::any_of(attributes.begin(), attributes.end(), [&](const auto& a) { return a.column == column; });
}

FairnessSpec parse_fairness_spec(const nlohmann::json& table, const std::string& file) {
  const char* where = "fairness";
  if (!table.is_object()) throw ConfigError(fmt::format("{}: [fairness] must be a table", file));
  config::check_keys(table,
                     {"protected", "groups", "use", "proxy_threshold", "mitigation", "bootstrap", "min_group_rows"},
                     where, file);
  FairnessSpec s;
  const auto names = config::get_or<std::vector<std::string>>(table, "protected", {}, where, file);
  if (names.empty())
    throw ConfigError(fmt::format("{}: [fairness] protected must name at least one column, e.g. [\"age\"]", file));
  const nlohmann::json groups = table.value("groups", nlohmann::json::object());
  if (!groups.is_object()) throw ConfigError(fmt::format("{}: [fairness.groups] must be a table", file));
  for (const auto& [column, unused] : groups.items())
    if (std::find(names.begin(), names.end(), column) == names.end())
      throw ConfigError(fmt::format("{}: [fairness.groups.{}] groups a column that is not in protected", file, column));
  for (const std::string& name : names) {
    if (std::count(names.begin(), names.end(), name) > 1)
      throw ConfigError(fmt::format("{}: [fairness] protected names '{}' twice", file, name));
    ProtectedAttribute a{.column = name};
    if (groups.contains(name)) {
      const nlohmann::json& g = groups.at(name);
      const std::string at = fmt::format("fairness.groups.{}", name);
      if (!g.is_object()) throw ConfigError(fmt::format("{}: [{}] must be a table", file, at));
      if (g.contains("bands")) {
        config::check_keys(g, {"bands"}, at, file);
        a.bands = config::get_or<std::vector<double>>(g, "bands", {}, at, file);
        if (a.bands.empty() || !std::is_sorted(a.bands.begin(), a.bands.end()) ||
            std::adjacent_find(a.bands.begin(), a.bands.end()) != a.bands.end())
          throw ConfigError(fmt::format("{}: [{}] bands must be increasing cut points, e.g. [25, 35, 50]", file, at));
      } else {
        for (const auto& [value, group] : g.items()) {
          if (!group.is_string())
            throw ConfigError(fmt::format("{}: [{}] \"{}\" must map to a group name (a string)", file, at, value));
          a.groups[value] = group.get<std::string>();
        }
        if (a.groups.empty())
          throw ConfigError(fmt::format("{}: [{}] needs bands = [...] or value = \"group\" pairs", file, at));
      }
    }
    s.attributes.push_back(std::move(a));
  }
  s.use = config::get_or<std::string>(table, "use", s.use, where, file);
  if (s.use != "exclude" && s.use != "monitor")
    throw ConfigError(fmt::format("{}: [fairness] use must be \"exclude\" or \"monitor\", got \"{}\"", file, s.use));
  s.proxy_threshold = config::get_or<double>(table, "proxy_threshold", s.proxy_threshold, where, file);
  if (!(s.proxy_threshold > 0 && s.proxy_threshold <= 1))
    throw ConfigError(
        fmt::format("{}: [fairness] proxy_threshold is a Cramer's V in (0, 1], got {}", file, s.proxy_threshold));
  s.mitigation = config::get_or<std::string>(table, "mitigation", s.mitigation, where, file);
  if (s.mitigation != "none" && s.mitigation != "reweighing")
    throw ConfigError(
        fmt::format("{}: [fairness] mitigation must be \"none\" or \"reweighing\", got \"{}\" (per-group thresholds "
                    "are not offered: "
                    "they treat applicants differently by group)",
                    file, s.mitigation));
  s.bootstrap = config::get_or<int>(table, "bootstrap", s.bootstrap, where, file);
  if (s.bootstrap < 20)
    throw ConfigError(fmt::format("{}: [fairness] bootstrap needs at least 20 resamples, got {}", file, s.bootstrap));
  s.min_group_rows = config::get_or<int64_t>(table, "min_group_rows", s.min_group_rows, where, file);
  if (s.min_group_rows < 2)
    throw ConfigError(fmt::format("{}: [fairness] min_group_rows must be at least 2, got {}", file, s.min_group_rows));
  return s;
}

std::map<std::string, std::string> parse_reasons_spec(const nlohmann::json& table, const std::string& file) {
  if (!table.is_object()) throw ConfigError(fmt::format("{}: [reasons] must be a table of column = \"wording\"", file));
  std::map<std::string, std::string> out;
  for (const auto& [column, wording] : table.items()) {
    if (!wording.is_string() || wording.get<std::string>().empty())
      throw ConfigError(
          fmt::format("{}: [reasons] {} must be the reason's wording (a non-empty string)", file, column));
    out[column] = wording.get<std::string>();
  }
  return out;
}

}  // namespace deepfin::tasks
