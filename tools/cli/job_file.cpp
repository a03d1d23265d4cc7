#include "job_file.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "deepfin/core/error.h"
#include "toml_json.h"

namespace deepfin::cli {
namespace {

void check_keys(const nlohmann::json& table, const std::set<std::string>& known, const std::string& where,
                const std::string& file) {
  for (const auto& [key, value] : table.items()) {
    if (known.count(key)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(fmt::format("{}: unknown key '{}' in [{}] (known: {})", file, key, where, list));
  }
}

template <class T>
T get_or(const nlohmann::json& table, const std::string& key, T fallback, const std::string& where,
         const std::string& file) {
  if (!table.contains(key)) return fallback;
  try {
    return table.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(fmt::format("{}: [{}] {} has the wrong type ({})", file, where, key, table.at(key).dump()));
  }
}

DataSpec parse_data(const nlohmann::json& d, const std::string& file) {
  check_keys(
      d, {"source", "x", "y", "path", "test_split", "stratify", "one_hot", "normalize", "limit_train", "limit_test"},
      "data", file);
  DataSpec s;
  s.source = get_or<std::string>(d, "source", "", "data", file);
  if (s.source != "fashion_mnist" && s.source != "npy" && s.source != "npz")
    throw ConfigError(
        fmt::format("{}: [data] source must be \"fashion_mnist\", \"npy\" or \"npz\", got \"{}\"", file, s.source));
  s.x = get_or<std::string>(d, "x", s.source == "npz" ? "x" : "", "data", file);
  s.y = get_or<std::string>(d, "y", s.source == "npz" ? "y" : "", "data", file);
  s.path = get_or<std::string>(d, "path", "", "data", file);
  s.test_split = get_or<double>(d, "test_split", 0.2, "data", file);
  s.stratify = get_or<bool>(d, "stratify", false, "data", file);
  s.one_hot = get_or<bool>(d, "one_hot", true, "data", file);
  s.normalize = get_or<bool>(d, "normalize", true, "data", file);
  s.limit_train = get_or<int64_t>(d, "limit_train", -1, "data", file);
  s.limit_test = get_or<int64_t>(d, "limit_test", -1, "data", file);
  if (s.source == "npy" && (s.x.empty() || s.y.empty()))
    throw ConfigError(fmt::format("{}: [data] source \"npy\" needs both x and y file paths", file));
  if (s.source == "npz" && s.path.empty())
    throw ConfigError(fmt::format("{}: [data] source \"npz\" needs path = the .npz archive", file));
  if (!(s.test_split > 0.0 && s.test_split < 1.0))
    throw ConfigError(fmt::format("{}: [data] test_split must be between 0 and 1, got {}", file, s.test_split));
  return s;
}

}  // namespace

JobSpec parse_job(const std::string& toml_text, const std::string& name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: {}", name, where.line, where.column, e.description()));
  }
  const nlohmann::json j = toml_to_json(table);
  check_keys(j, {"data", "model", "compile", "fit", "output", "seed", "threads"}, "top level", name);
  for (const char* required : {"data", "model", "compile"})
    if (!j.contains(required) || !j.at(required).is_object())
      throw ConfigError(fmt::format("{}: missing required table [{}]", name, required));

  JobSpec spec;
  spec.file = name;
  spec.data = parse_data(j.at("data"), name);
  spec.model = j.at("model");
  if (!spec.model.contains("class_name") || !spec.model.contains("config"))
    throw ConfigError(fmt::format("{}: [model] needs class_name and config (the tree that save() writes)", name));
  spec.compile = j.at("compile");
  check_keys(spec.compile, {"optimizer", "loss", "metrics"}, "compile", name);
  if (!spec.compile.contains("loss")) throw ConfigError(fmt::format("{}: [compile] needs a loss", name));
  spec.fit = j.value("fit", nlohmann::json::object());
  check_keys(spec.fit,
             {"epochs", "batch_size", "validation", "validation_split", "shuffle", "verbose", "class_weight",
              "early_stopping"},
             "fit", name);
  const nlohmann::json out = j.value("output", nlohmann::json::object());
  check_keys(out, {"model", "predictions", "history_csv"}, "output", name);
  spec.output.model = get_or<std::string>(out, "model", "", "output", name);
  spec.output.predictions = get_or<std::string>(out, "predictions", "", "output", name);
  spec.output.history_csv = get_or<std::string>(out, "history_csv", "", "output", name);
  if (j.contains("seed")) spec.seed = get_or<uint64_t>(j, "seed", 0, "top level", name);
  if (j.contains("threads")) spec.threads = get_or<int>(j, "threads", 0, "top level", name);
  return spec;
}

JobSpec load_job_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError(fmt::format("cannot open job file {}", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_job(buffer.str(), path);
}

}  // namespace deepfin::cli
