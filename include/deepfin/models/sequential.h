#pragma once
// Sequential: a plain stack of layers, each feeding the next. Built as soon as
// a layer declares its input shape (or from the first batch it sees).
#include <memory>
#include <string>
#include <vector>

#include "deepfin/models/model.h"

namespace deepfin::models {

class Sequential : public Model {
 public:
  explicit Sequential(std::vector<std::shared_ptr<nn::Layer>> layers = {}, std::string name = "");
  // Rebuilds the model from get_config() (fresh weights).
  static std::unique_ptr<Sequential> from_config(const nlohmann::json& config);

  // Appends a layer; ValueError for a duplicate layer name.
  void add(std::shared_ptr<nn::Layer> layer);
  std::vector<std::shared_ptr<nn::Layer>> layers() const override { return layers_; }

  std::string class_name() const override { return "Sequential"; }
  nlohmann::json get_config() const override;
  void build(const Shape& input_shape) override;
  // Runs layers [first, end) on h in inference mode, the last one without its
  // activation if asked: explanations start after an embedding layer this way.
  Tensor call_from(size_t first, const Tensor& h, bool skip_final_activation = false);

 protected:
  Tensor forward(const Tensor& x, bool training, bool skip_final_activation) override;
  std::string final_activation() const override;

 private:
  // Runs layers [first, end), carrying the mask from layer to layer.
  Tensor run_layers(size_t first, const Tensor& x, bool training, bool skip_final_activation);
  std::vector<std::shared_ptr<nn::Layer>> layers_;
};

}  // namespace deepfin::models

namespace deepfin {
using models::Sequential;
}  // namespace deepfin
