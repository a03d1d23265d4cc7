// Parsing, sampling and applying a [tune] space.
#include "deepfin/tasks/search_space.h"

#include <fmt/format.h>

#include <cmath>

#include "deepfin/base/error.h"

namespace deepfin::tasks {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    keys.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return keys;
}

bool is_index(const std::string& key) {
  return !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
}

// The node a path leads to, creating its last key in an object; nullptr (and *missing set)
// when a key before the last does not exist.
nlohmann::json* locate(nlohmann::json& job, const std::string& path, std::string* missing) {
  const std::vector<std::string> keys = split_path(path);
  nlohmann::json* node = &job;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    const bool last = i + 1 == keys.size();
    if (node->is_array() && is_index(key) && std::stoul(key) < node->size()) {
      node = &(*node)[std::stoul(key)];
    } else if (node->is_object() && (node->contains(key) || (last && !key.empty()))) {
      node = &(*node)[key];
    } else {
      *missing = key;
      return nullptr;
    }
  }
  return node;
}

}  // namespace

SearchSpace search_space_from_json(const nlohmann::json& space, const std::string& file) {
  if (!space.is_object()) throw ConfigError(fmt::format("{}: [tune] space must be a table of paths", file));
  SearchSpace out;
  for (const auto& [path, spec] : space.items()) {
    SearchParam p;
    p.path = path;
    const std::string where = fmt::format("{}: [tune.space] \"{}\"", file, path);
    if (spec.is_array()) {
      if (spec.empty()) throw ConfigError(where + ": the list of choices is empty");
      p.choices.assign(spec.begin(), spec.end());
    } else if (spec.is_object() && spec.size() == 1) {
      const std::string form = spec.begin().key();
      const nlohmann::json& range = spec.begin().value();
      if (form == "uniform")
        p.kind = SearchParam::Kind::uniform;
      else if (form == "log_uniform")
        p.kind = SearchParam::Kind::log_uniform;
      else if (form == "int_uniform")
        p.kind = SearchParam::Kind::int_uniform;
      else
        throw ConfigError(fmt::format("{}: unknown form '{}'; use uniform, log_uniform or int_uniform", where, form));
      if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number())
        throw ConfigError(fmt::format("{}: {} needs [lo, hi], two numbers", where, form));
      p.lo = range[0].get<double>();
      p.hi = range[1].get<double>();
      if (!(p.lo < p.hi)) throw ConfigError(fmt::format("{}: {} needs lo < hi, got [{}, {}]", where, form, p.lo, p.hi));
      if (p.kind == SearchParam::Kind::log_uniform && !(p.lo > 0))
        throw ConfigError(fmt::format("{}: log_uniform needs lo > 0, got {}", where, p.lo));
      if (p.kind == SearchParam::Kind::int_uniform && (p.lo != std::floor(p.lo) || p.hi != std::floor(p.hi)))
        throw ConfigError(fmt::format("{}: int_uniform needs whole numbers, got [{}, {}]", where, p.lo, p.hi));
    } else {
      throw ConfigError(where +
                        ": expected a list of choices or a table {uniform | log_uniform | int_uniform = [lo, hi]}");
    }
    out.push_back(std::move(p));
  }
  return out;
}

SearchSpace default_search_space(const nlohmann::json& job) {
  SearchSpace space;
  const nlohmann::json optimizer = job.value("compile", nlohmann::json::object()).value("optimizer", nlohmann::json());
  if (optimizer.is_object() && optimizer.contains("config") && optimizer["config"].contains("learning_rate") &&
      optimizer["config"]["learning_rate"].is_number()) {
    const double lr = optimizer["config"]["learning_rate"].get<double>();
    space.push_back({.path = "compile.optimizer.config.learning_rate",
                     .kind = SearchParam::Kind::log_uniform,
                     .lo = lr / 10,
                     .hi = lr * 10});
  }
  if (job.contains("fit")) space.push_back({.path = "fit.batch_size", .choices = {32, 64, 128}});
  // Tabular jobs with a [preprocess] table: piecewise-linear bins of numeric columns, or none;
  // and standardized values or normal scores (which heavy-tailed columns such as incomes need).
  if (job.contains("preprocess")) {
    space.push_back({.path = "preprocess.numeric_bins", .choices = {0, 8, 16}});
    space.push_back({.path = "preprocess.numeric_scaling", .choices = {"standard", "quantile"}});
  }
  // Text jobs: the size of the WordPiece vocabulary, a hand choice that does not carry over between sets.
  if (job.contains("text") && job["text"].is_object())
    space.push_back({.path = "text.vocab_size", .choices = {2000, 8000, 16000}});
  // Series jobs: how far back a window reads, and how long the network trains (no early
  // stopping there: a validation span would have to come from the training past).
  const bool series = job.value("data", nlohmann::json::object()).value("source", "") == "series";
  if (series && job.contains("window") && job["window"].is_object())
    space.push_back({.path = "window.sequence_length", .choices = {20, 40, 60}});
  if (series && job.contains("fit")) space.push_back({.path = "fit.epochs", .choices = {5, 10, 20}});
  const nlohmann::json layers = job.value("model", nlohmann::json::object())
                                    .value("config", nlohmann::json::object())
                                    .value("layers", nlohmann::json());
  if (layers.is_array()) {
    // The output layer keeps its units: the last Dense, unless an ensemble's own heads
    // (EnsembleDense) give the output, in which case every Dense is a hidden layer.
    int output_dense = -1;
    for (size_t i = 0; i < layers.size(); ++i) {
      const std::string kind = layers[i].value("class_name", "");
      if (kind == "Dense") output_dense = static_cast<int>(i);
      if (kind == "EnsembleDense") output_dense = static_cast<int>(layers.size());
    }
    for (size_t i = 0; i < layers.size(); ++i) {
      const std::string kind = layers[i].value("class_name", "");
      const std::string base = fmt::format("model.config.layers.{}.config", i);
      if (kind == "Dense" && static_cast<int>(i) != output_dense)
        space.push_back({.path = base + ".units", .choices = {16, 32, 64, 128, 256}});
      if (kind == "Dropout")
        space.push_back({.path = base + ".rate", .kind = SearchParam::Kind::uniform, .lo = 0.0, .hi = 0.5});
      if (kind == "Embedding") space.push_back({.path = base + ".output_dim", .choices = {32, 64, 128, 256}});
      if (kind == "Conv1D") space.push_back({.path = base + ".filters", .choices = {64, 128, 256}});
      if (kind == "LSTM" || kind == "GRU" || kind == "SimpleRNN")
        space.push_back({.path = base + ".units", .choices = {16, 32, 64}});
      // The scale of the initial frequencies, which the PLR paper finds matters most.
      if (kind == "PeriodicEmbedding") space.push_back({.path = base + ".sigma", .choices = {0.01, 0.1, 1.0}});
    }
  }
  return space;
}

void check_search_paths(const SearchSpace& space, const nlohmann::json& job, const std::string& file) {
  for (const SearchParam& p : space) {
    nlohmann::json copy = job;
    std::string missing;
    if (!locate(copy, p.path, &missing))
      throw ConfigError(
          fmt::format("{}: [tune.space] \"{}\": the job has no '{}' there (paths name existing tables "
                      "and array indices; only the last key may be new)",
                      file, p.path, missing));
  }
}

nlohmann::json sample_values(const SearchSpace& space, std::mt19937_64& rng) {
  nlohmann::json values = nlohmann::json::object();
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const SearchParam& p : space) {
    switch (p.kind) {
      case SearchParam::Kind::choice:
        values[p.path] =
            p.choices[static_cast<size_t>(unit(rng) * static_cast<double>(p.choices.size())) % p.choices.size()];
        break;
      case SearchParam::Kind::uniform:
        values[p.path] = p.lo + unit(rng) * (p.hi - p.lo);
        break;
      case SearchParam::Kind::log_uniform:
        values[p.path] = std::exp(std::log(p.lo) + unit(rng) * (std::log(p.hi) - std::log(p.lo)));
        break;
      case SearchParam::Kind::int_uniform: {
        const auto lo = static_cast<int64_t>(std::ceil(p.lo)), hi = static_cast<int64_t>(std::floor(p.hi));
        values[p.path] = lo + static_cast<int64_t>(unit(rng) * static_cast<double>(hi - lo + 1)) % (hi - lo + 1);
        break;
      }
    }
  }
  return values;
}

nlohmann::json with_values(nlohmann::json job, const nlohmann::json& values) {
  for (const auto& [path, value] : values.items()) {
    std::string missing;
    nlohmann::json* node = locate(job, path, &missing);
    if (!node) throw ConfigError(fmt::format("tune: the job has no '{}' on the path '{}'", missing, path));
    *node = value;
  }
  return job;
}

}  // namespace deepfin::tasks
