#include "deepfin/text/label_encoder.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/base/error.h"

namespace deepfin::text {
namespace {

constexpr size_t kMaxListed = 20;  // a message lists at most this many known labels

std::string known_labels(const std::vector<std::string>& classes) {
  std::string out;
  for (size_t i = 0; i < classes.size() && i < kMaxListed; ++i) out += (i ? ", '" : "'") + classes[i] + "'";
  if (classes.size() > kMaxListed) out += fmt::format(", ... ({} in all)", classes.size());
  return out;
}

}  // namespace

LabelEncoder LabelEncoder::fit(const std::vector<std::string>& labels) {
  if (labels.empty()) throw ValueError("LabelEncoder::fit: no labels");
  LabelEncoder encoder{.classes = labels};
  std::sort(encoder.classes.begin(), encoder.classes.end());
  encoder.classes.erase(std::unique(encoder.classes.begin(), encoder.classes.end()), encoder.classes.end());
  return encoder;
}

int64_t LabelEncoder::encode(const std::string& label) const {
  const auto it = std::lower_bound(classes.begin(), classes.end(), label);
  if (it == classes.end() || *it != label) {
    throw NotFoundError(
        fmt::format("LabelEncoder: unknown label '{}'; known labels: {}", label, known_labels(classes)));
  }
  return it - classes.begin();
}

std::vector<int64_t> LabelEncoder::encode(const std::vector<std::string>& labels) const {
  std::vector<int64_t> ids;
  ids.reserve(labels.size());
  for (const std::string& label : labels) ids.push_back(encode(label));
  return ids;
}

const std::string& LabelEncoder::decode(int64_t id) const {
  if (id < 0 || id >= num_classes()) {
    throw IndexError(fmt::format("LabelEncoder: class id {} is outside [0, {})", id, num_classes()));
  }
  return classes[static_cast<size_t>(id)];
}

nlohmann::json LabelEncoder::to_json() const {
  return {{"classes", classes}};
}

LabelEncoder LabelEncoder::from_json(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("classes")) throw FileError("label encoder JSON: missing key 'classes'");
  const nlohmann::json& classes_json = json.at("classes");
  if (!classes_json.is_array() || classes_json.empty()) {
    throw FileError("label encoder JSON: key 'classes' must be a non-empty array of strings");
  }
  LabelEncoder encoder;
  for (size_t i = 0; i < classes_json.size(); ++i) {
    if (!classes_json[i].is_string()) {
      throw FileError(fmt::format("label encoder JSON: key 'classes' entry {} is not a string", i));
    }
    encoder.classes.push_back(classes_json[i].get<std::string>());
    if (i > 0 && !(encoder.classes[i - 1] < encoder.classes[i])) {
      throw FileError(
          fmt::format("label encoder JSON: key 'classes' entry {} '{}' is not after '{}' (classes must be "
                      "sorted and distinct)",
                      i, encoder.classes[i], encoder.classes[i - 1]));
    }
  }
  return encoder;
}

}  // namespace deepfin::text
