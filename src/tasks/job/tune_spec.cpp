// [tune]: the settings of `deepfin tune`.
#include <fmt/format.h>

#include "deepfin/base/config.h"
#include "deepfin/base/error.h"
#include "deepfin/tasks/search_space.h"
#include "spec_parsers.h"

namespace deepfin::tasks {

TuneSpec parse_tune_spec(const nlohmann::json& table, const std::string& file) {
  if (!table.is_object()) throw ConfigError(fmt::format("{}: [tune] must be a table", file));
  config::check_keys(table, {"metric", "trials", "folds", "outer_folds", "eta", "space"}, "tune", file);
  TuneSpec s;
  s.metric = config::get_or<std::string>(table, "metric", s.metric, "tune", file);
  s.trials = config::get_or<int>(table, "trials", s.trials, "tune", file);
  s.folds = config::get_or<int>(table, "folds", s.folds, "tune", file);
  s.outer_folds = config::get_or<int>(table, "outer_folds", s.outer_folds, "tune", file);
  s.eta = config::get_or<int>(table, "eta", s.eta, "tune", file);
  if (s.trials < 1) throw ConfigError(fmt::format("{}: [tune] trials must be >= 1, got {}", file, s.trials));
  if (s.folds < 2) throw ConfigError(fmt::format("{}: [tune] folds must be >= 2, got {}", file, s.folds));
  if (s.outer_folds < 2)
    throw ConfigError(
        fmt::format("{}: [tune] outer_folds must be >= 2 (the nested score needs folds the search "
                    "never saw), got {}",
                    file, s.outer_folds));
  if (s.eta < 2) throw ConfigError(fmt::format("{}: [tune] eta must be >= 2, got {}", file, s.eta));
  if (table.contains("space")) {
    s.space = table.at("space");
    search_space_from_json(s.space, file);  // the forms are checked here; the paths when the search starts
  }
  return s;
}

}  // namespace deepfin::tasks
