// Plain array models (images, .npy jobs) take {"instances": [...]}, one nested
// array per sample in the model's input shape, and answer the model's outputs
// for each, as `deepfin predict MODEL IN.npy` does.
#include <fmt/format.h>

#include <cmath>

#include "deepfin/models/model.h"
#include "deepfin/serve/request_error.h"
#include "serve/json_fields.h"
#include "serve/scorers.h"

namespace deepfin::serve {
namespace {

struct Samples : Instances {
  std::vector<float> values;  // rows * per-sample numel, row-major
};

// Appends the numbers of `v` (shape[axis:]) to `out`, checking the nesting.
void flatten(const nlohmann::json& v, const Shape& shape, size_t axis, const std::string& path,
             std::vector<float>& out) {
  if (axis == shape.size()) {
    if (!v.is_number()) throw_mistyped(path, "a number", v);
    const double x = v.get<double>();
    if (!std::isfinite(x)) throw RequestError(422, fmt::format("field '{}': {} is not a finite number", path, x));
    out.push_back(static_cast<float>(x));
    return;
  }
  if (!v.is_array()) throw_mistyped(path, fmt::format("an array of {}", shape[axis]), v);
  if (static_cast<int64_t>(v.size()) != shape[axis])
    throw RequestError(422, fmt::format("field '{}': expected {} values (input shape {}), got {}", path, shape[axis],
                                        shape_str(shape), v.size()));
  for (size_t i = 0; i < v.size(); ++i) flatten(v[i], shape, axis + 1, fmt::format("{}[{}]", path, i), out);
}

// Row r of a (N, ...) float tensor as nested arrays.
nlohmann::json nest(const float* data, const Shape& shape, size_t axis) {
  if (axis == shape.size()) return *data;
  nlohmann::json out = nlohmann::json::array();
  const int64_t stride = shape_numel(Shape(shape.begin() + static_cast<int64_t>(axis) + 1, shape.end()));
  for (int64_t i = 0; i < shape[axis]; ++i) out.push_back(nest(data + i * stride, shape, axis + 1));
  return out;
}

class ArrayScorer final : public Scorer {
 public:
  explicit ArrayScorer(std::shared_ptr<models::Model> model) : model_(std::move(model)) {}

  std::string kind() const override { return "array"; }
  const models::Model& model() const override { return *model_; }

  std::unique_ptr<Instances> parse(const nlohmann::json& body) const override {
    auto out = std::make_unique<Samples>();
    const nlohmann::json instances = require_list(body, "instances", false);
    const Shape& shape = model_->input_shape();
    out->values.reserve(instances.size() * static_cast<size_t>(shape_numel(shape)));
    for (size_t i = 0; i < instances.size(); ++i)
      flatten(instances[i], shape, 0, fmt::format("instances[{}]", i), out->values);
    out->rows = static_cast<int64_t>(instances.size());
    return out;
  }

  std::vector<nlohmann::json> score(const std::vector<const Instances*>& batch) const override {
    int64_t rows = 0;
    for (const Instances* i : batch) rows += i->rows;
    Shape shape = {rows};
    shape.insert(shape.end(), model_->input_shape().begin(), model_->input_shape().end());
    Tensor x = Tensor::empty(shape);
    float* dst = x.data<float>();
    for (const Instances* i : batch) {
      const auto& values = static_cast<const Samples*>(i)->values;
      dst = std::copy(values.begin(), values.end(), dst);
    }
    const Tensor y = model_->predict(x, std::max<int64_t>(rows, 1)).contiguous();
    const Shape row_shape(y.shape().begin() + 1, y.shape().end());
    const int64_t row_size = shape_numel(row_shape);
    std::vector<nlohmann::json> out;
    int64_t r = 0;
    for (const Instances* i : batch) {
      nlohmann::json predictions = nlohmann::json::array();
      for (int64_t k = 0; k < i->rows; ++k, ++r)
        predictions.push_back(nest(y.data<float>() + r * row_size, row_shape, 0));
      out.push_back({{"predictions", std::move(predictions)}});
    }
    return out;
  }

  nlohmann::json schema() const override {
    return {{"input",
             {{"instances", "a list of samples, each a nested array of numbers"}, {"shape", model_->input_shape()}}},
            {"output", {{"predictions", "the model's output for each sample"}, {"shape", model_->output_shape()}}}};
  }

  nlohmann::json example() const override {
    nlohmann::json sample = 0.0;
    const Shape& shape = model_->input_shape();
    for (auto it = shape.rbegin(); it != shape.rend(); ++it)
      sample = nlohmann::json(std::vector<nlohmann::json>(static_cast<size_t>(*it), sample));
    return {{"instances", nlohmann::json::array({sample})}};
  }

 private:
  // predict() is not const: it runs the layers in inference mode, changing nothing a request can see.
  std::shared_ptr<models::Model> model_;
};

}  // namespace

std::shared_ptr<const Scorer> array_scorer(std::shared_ptr<models::Model> model) {
  return std::make_shared<ArrayScorer>(std::move(model));
}

}  // namespace deepfin::serve
