#include "deepfin/serve/model_repository.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "deepfin/base/error.h"
#include "deepfin/io/digest.h"
#include "deepfin/io/read_file.h"

namespace deepfin::serve {
namespace fs = std::filesystem;
namespace {

bool is_model_file(const fs::path& p) {
  return p.extension() == ".safetensors" && fs::is_regular_file(p);
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

// Numeric versions compare as numbers ("10" after "9"), others as text, numbers first.
bool version_less(const std::string& a, const std::string& b) {
  const bool na = !a.empty() && std::all_of(a.begin(), a.end(), ::isdigit);
  const bool nb = !b.empty() && std::all_of(b.begin(), b.end(), ::isdigit);
  if (na != nb) return na;
  if (na && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

}  // namespace

ModelRepository::ModelRepository(const std::vector<std::string>& sources, ScoringOptions options,
                                 ServingMetrics* metrics, std::function<void(const nlohmann::json&)> log)
    : sources_(sources), options_(options), metrics_(metrics), log_(std::move(log)) {
  if (sources_.empty()) throw ConfigError("serve: name at least one model file or folder");
  for (const auto& s : sources_)
    if (!fs::exists(s)) throw ConfigError(fmt::format("serve: {} does not exist", s));
  const auto found = discover();
  if (found.empty())
    throw ConfigError(
        fmt::format("serve: no .safetensors model in {}",
                    nlohmann::json(sources_).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  for (const auto& [name, source] : found) {
    live_[name] = load(name, source);
    loaded_[name] = source;
  }
}

std::map<std::string, ModelRepository::Source> ModelRepository::discover() const {
  std::map<std::string, Source> found;
  const auto add = [&](const std::string& name, const fs::path& file, const std::string& version,
                       const std::string& from) {
    if (!valid_name(name))
      throw ConfigError(
          fmt::format("serve: {}: the model name \"{}\" may only hold letters, digits, '.', '_' and '-'", from, name));
    const auto it = found.find(name);
    if (it != found.end()) {
      if (it->second.version.empty() || version.empty())
        throw ConfigError(
            fmt::format("serve: two models are named \"{}\": {} and {}", name, it->second.path, file.string()));
      if (!version_less(it->second.version, version)) return;
    }
    std::error_code ec;
    const auto time = fs::last_write_time(file, ec);
    found[name] = {.path = file.string(),
                   .version = version,
                   .mtime_ns = ec ? 0 : static_cast<int64_t>(time.time_since_epoch().count()),
                   .size = ec ? 0 : static_cast<int64_t>(fs::file_size(file, ec))};
  };
  for (const auto& s : sources_) {
    const fs::path source(s);
    if (!fs::is_directory(source)) {
      if (!is_model_file(source)) throw ConfigError(fmt::format("serve: {} is not a .safetensors model file", s));
      add(source.stem().string(), source, "", s);
      continue;
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(source, ec)) {
      if (is_model_file(entry.path())) {
        add(entry.path().stem().string(), entry.path(), "", s);
      } else if (entry.is_directory()) {
        const std::string name = entry.path().filename().string();
        for (const auto& version : fs::directory_iterator(entry.path(), ec)) {
          if (is_model_file(version.path())) {
            add(name, version.path(), version.path().stem().string(), s);
          } else if (version.is_directory()) {
            for (const auto& file : fs::directory_iterator(version.path(), ec))
              if (is_model_file(file.path())) add(name, file.path(), version.path().filename().string(), s);
          }
        }
      }
    }
  }
  return found;
}

std::shared_ptr<const LoadedModel> ModelRepository::load(const std::string& name, const Source& source) const {
  auto model = std::make_shared<LoadedModel>();
  model->name = name;
  model->path = source.path;
  model->sha256 = io::sha256_hex(io::read_file(source.path));
  model->version = source.version.empty() ? model->sha256.substr(0, 12) : source.version;
  model->scorer = load_scorer(source.path, options_);
  // Checked before it goes live: a file that loads but cannot score is refused.
  model->scorer->self_check();
  model->loaded_at = utc_now();
  return model;
}

std::shared_ptr<const LoadedModel> ModelRepository::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = live_.find(name);
  return it == live_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const LoadedModel>> ModelRepository::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const LoadedModel>> out;
  for (const auto& [name, model] : live_) out.push_back(model);
  return out;
}

int ModelRepository::reload_changed() {
  std::lock_guard reloading(reload_mutex_);
  std::map<std::string, Source> found;
  try {
    found = discover();
  } catch (const std::exception& e) {  // a folder renamed away mid-scan, a symlink loop: keep serving what is live
    if (log_) log_({{"event", "reload_failed"}, {"error", e.what()}});
    return 0;
  }
  int swapped = 0;
  for (const auto& [name, source] : found) {
    {
      std::lock_guard lock(mutex_);
      const auto it = loaded_.find(name);
      if (it != loaded_.end() && it->second.path == source.path && it->second.mtime_ns == source.mtime_ns &&
          it->second.size == source.size)
        continue;
      loaded_[name] = source;  // a failed file is not retried until it changes again
    }
    try {
      auto model = load(name, source);  // outside the lock: requests go on meanwhile
      {
        std::lock_guard lock(mutex_);
        live_[name] = model;
      }
      ++swapped;
      if (metrics_) metrics_->record_reload(name, true);
      if (log_) log_({{"event", "model_loaded"}, {"model", name}, {"version", model->version}, {"path", source.path}});
    } catch (const std::exception& e) {
      if (metrics_) metrics_->record_reload(name, false);
      if (log_) log_({{"event", "reload_failed"}, {"model", name}, {"path", source.path}, {"error", e.what()}});
    }
  }
  return swapped;
}

}  // namespace deepfin::serve
