// Naming, listing and pruning checkpoint files. Writing and reading them is the
// model's (models/checkpoints.cpp): a checkpoint is a model file.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "deepfin/base/error.h"
#include "deepfin/train/checkpoint.h"

namespace deepfin::train {
namespace fs = std::filesystem;

void check_checkpoint_options(const CheckpointOptions& o) {
  if (o.directory.empty()) throw ConfigError("checkpoint: no directory is given for the checkpoint files");
  if (o.every_steps < 0 || o.every_epochs < 0)
    throw ConfigError(
        fmt::format("checkpoint: every_steps ({}) and every_epochs ({}) must be >= 0", o.every_steps, o.every_epochs));
  if (o.every_steps == 0 && o.every_epochs == 0)
    throw ConfigError("checkpoint: set every_steps or every_epochs (or both), else no checkpoint is ever written");
  if (o.keep < 1) throw ConfigError(fmt::format("checkpoint: keep must be >= 1, got {}", o.keep));
}

fs::path checkpoint_file(const std::string& directory, int64_t step) {
  return fs::path(directory) / fmt::format("checkpoint-{:09d}.safetensors", step);
}

namespace {

// The step of a file named checkpoint-<digits>.safetensors, or -1.
int64_t step_of(const std::string& name) {
  const std::string prefix = "checkpoint-", suffix = ".safetensors";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(digits);
}

}  // namespace

std::vector<fs::path> list_checkpoints(const std::string& directory) {
  std::vector<std::pair<int64_t, fs::path>> found;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return {};
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const int64_t step = step_of(entry.path().filename().string());
    if (step >= 0 && entry.is_regular_file(ec)) found.emplace_back(step, entry.path());
  }
  if (ec) throw FileError(fmt::format("checkpoint: cannot list '{}': {}", directory, ec.message()));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<fs::path> out;
  for (auto& [step, path] : found) out.push_back(std::move(path));
  return out;
}

void prune_checkpoints(const std::string& directory, int keep) {
  const std::vector<fs::path> all = list_checkpoints(directory);
  for (size_t i = static_cast<size_t>(std::max(keep, 0)); i < all.size(); ++i) {
    std::error_code ec;
    fs::remove(all[i], ec);  // a file that is already gone is no loss
  }
}

double checkpoint_number(const nlohmann::json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

std::vector<double> checkpoint_numbers(const nlohmann::json& values) {
  std::vector<double> out;
  for (const auto& v : values) out.push_back(checkpoint_number(v));
  return out;
}

std::map<std::string, double> checkpoint_logs(const nlohmann::json& logs) {
  std::map<std::string, double> out;
  for (const auto& [key, value] : logs.items()) out[key] = checkpoint_number(value);
  return out;
}

}  // namespace deepfin::train
