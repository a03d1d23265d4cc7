#pragma once
// ModelRepository: the models a server answers for, found in files and folders,
// and kept current. In a folder, each .safetensors file is a model named by its
// stem, and each subfolder is a model whose versions are its .safetensors files
// or its sub-subfolders (holding one); the highest version is served (numeric
// versions compare as numbers). reload_changed() loads a changed or new version,
// checks it by scoring an example request, and only then swaps it in; a request
// holds its version until it is answered, so none is dropped or half-served.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deepfin/serve/scorer.h"
#include "deepfin/serve/serving_metrics.h"

namespace deepfin::serve {

struct LoadedModel {
  std::string name, version, path, sha256;
  std::string loaded_at;  // UTC, ISO 8601
  std::shared_ptr<const Scorer> scorer;
};

class ModelRepository {
 public:
  // Finds and loads every model under `sources`. ConfigError for a source that
  // does not exist, two models of one name, a name that is not [A-Za-z0-9._-]+,
  // or no model at all; the loader's FileError (naming the file) for a bad file.
  ModelRepository(const std::vector<std::string>& sources, ScoringOptions options, ServingMetrics* metrics = nullptr,
                  std::function<void(const nlohmann::json&)> log = nullptr);

  // The live version of `name`, or null.
  std::shared_ptr<const LoadedModel> find(const std::string& name) const;
  std::vector<std::shared_ptr<const LoadedModel>> all() const;

  // Swaps in every model whose newest file changed (or appeared) since it was
  // loaded, once it loads and scores its example; a file that fails keeps the old
  // version live and is retried when it changes again. Returns how many were swapped.
  int reload_changed();

 private:
  struct Source {
    std::string path, version;
    int64_t mtime_ns = 0, size = 0;
  };
  std::map<std::string, Source> discover() const;
  std::shared_ptr<const LoadedModel> load(const std::string& name, const Source& source) const;

  std::vector<std::string> sources_;
  ScoringOptions options_;
  ServingMetrics* metrics_;
  std::function<void(const nlohmann::json&)> log_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const LoadedModel>> live_;
  std::map<std::string, Source> loaded_;  // the file each live model (or its last failed try) came from
  std::mutex reload_mutex_;               // one reload at a time
};

}  // namespace deepfin::serve
