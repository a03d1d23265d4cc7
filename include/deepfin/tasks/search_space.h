#pragma once
// The hyper-parameter space of `deepfin tune`: values for dotted paths into a job
// (model.config.layers.0.config.units, fit.epochs), sampled at random and written into
// a copy of the job. A path names array elements by index; its last key may be new
// (fit.epochs in a job that leaves it at the default), every key before it must exist.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace deepfin::tasks {

struct SearchParam {
  enum class Kind { choice, uniform, log_uniform, int_uniform };
  std::string path{};
  Kind kind = Kind::choice;
  std::vector<nlohmann::json> choices{};  // choice
  double lo = 0, hi = 0;                  // the ranges (inclusive)
};
using SearchSpace = std::vector<SearchParam>;

// A [tune] space table: each entry a non-empty list of choices or one of
// {log_uniform = [lo, hi]} (0 < lo < hi), {uniform = [lo, hi]}, {int_uniform = [lo, hi]}
// (lo < hi). ConfigError naming the file, the entry and the form expected.
SearchSpace search_space_from_json(const nlohmann::json& space, const std::string& file);

// The default space of a job, over what it has: the learning rate of an optimizer given as
// a table (log-uniform over a decade each side of the job's), the batch size, the numeric
// columns' piecewise-linear bins (with a [preprocess] table), the WordPiece vocabulary (with a
// [text] table), a series job's window length and epochs, the units of every Dense layer but
// the last and of every recurrent layer, the rate of every Dropout layer, the width of an
// Embedding, the filters of a Conv1D and the frequency scale of a PeriodicEmbedding.
SearchSpace default_search_space(const nlohmann::json& job);

// ConfigError naming the file, the path and the first key that is missing.
void check_search_paths(const SearchSpace& space, const nlohmann::json& job, const std::string& file);

// One value per parameter, {path: value}; log-uniform draws uniformly in log space.
nlohmann::json sample_values(const SearchSpace& space, std::mt19937_64& rng);

// The job with each path set to its value.
nlohmann::json with_values(nlohmann::json job, const nlohmann::json& values);

}  // namespace deepfin::tasks
