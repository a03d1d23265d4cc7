#pragma once
// Class names ↔ class ids for text classification, like scikit-learn's
// LabelEncoder: the classes are the distinct labels in sorted (byte) order, so the
// ids do not depend on the order the rows came in.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace deepfin::text {

struct LabelEncoder {
  std::vector<std::string> classes;  // sorted, distinct; id = position

  // ValueError if `labels` is empty.
  static LabelEncoder fit(const std::vector<std::string>& labels);
  // NotFoundError naming the label and listing the known ones.
  int64_t encode(const std::string& label) const;
  std::vector<int64_t> encode(const std::vector<std::string>& labels) const;
  // IndexError for an id outside [0, num_classes()).
  const std::string& decode(int64_t id) const;
  int64_t num_classes() const { return static_cast<int64_t>(classes.size()); }

  // {"classes": [...]}; from_json: FileError naming the bad key (missing, not strings, unsorted or repeated).
  nlohmann::json to_json() const;
  static LabelEncoder from_json(const nlohmann::json& json);
};

}  // namespace deepfin::text
