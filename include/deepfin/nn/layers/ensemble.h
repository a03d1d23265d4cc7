#pragma once
// Parameter-efficient ensembles of MLPs in one model: TabM-mini (Gorishniy, Kotelnikov &
// Babenko 2024, "TabM: Advancing Tabular Deep Learning with Parameter-Efficient Ensembling").
// k members share every hidden layer; they differ by a learned per-member scaling of the
// input (initialized to random signs) and by their own output heads, so an ensemble of 32
// costs little more than one MLP. A Sequential model reads
//
//   EnsembleInput(k) -> Dense(relu) -> Dropout -> ... -> EnsembleDense(units) -> EnsembleMean(activation)
//
// Dense, Dropout and activations act on the last axis, so the hidden layers run on all k
// members at once, (N, k, width). Training scores every member on its own: while
// training, EnsembleMean hands the members' outputs (N, k, units) to the loss, which the
// model averages over members (Model::compute_loss), so members do not co-adapt. At
// inference EnsembleMean averages the members' outputs before its activation (the mean
// logit for a sigmoid or softmax head).
#include <memory>

#include "deepfin/nn/layer.h"

namespace deepfin::nn {

struct EnsembleOptions {
  std::string activation = "linear";  // EnsembleDense, EnsembleMean
  bool use_bias = true;               // EnsembleDense
  std::string name{};
  Shape input_shape{};
  DType dtype = DType::float32;
  bool trainable = true;
};

// (N, F) -> (N, k, F): member i sees x * r_i, with r_i (F) learned and initialized to
// random +-1 (TabM-mini's adapter). ConfigError for members < 1.
class EnsembleInput : public Layer {
 public:
  explicit EnsembleInput(int64_t members, const EnsembleOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  int64_t members() const { return members_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t members_;
};

// (N, k, in) -> (N, k, units) with one (in, units) kernel and (units) bias per member,
// each initialized like a Keras Dense (glorot uniform, zero bias). ConfigError for units < 1.
class EnsembleDense : public Layer {
 public:
  explicit EnsembleDense(int64_t units, const EnsembleOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  int64_t units() const { return units_; }
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  void build_weights(const Shape& input_shape) override;
  Tensor forward(const Tensor& x, bool training) override;

 private:
  int64_t units_;
  bool use_bias_;
};

// (N, k, ...) -> (N, ...): the mean over members at inference; the members themselves
// while training (see above). No weights.
class EnsembleMean : public Layer {
 public:
  explicit EnsembleMean(const EnsembleOptions& options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 protected:
  Tensor forward(const Tensor& x, bool training) override;
};

}  // namespace deepfin::nn

namespace deepfin::layers {
inline std::shared_ptr<nn::EnsembleInput> EnsembleInput(int64_t members, const nn::EnsembleOptions& options = {}) {
  return std::make_shared<nn::EnsembleInput>(members, options);
}
inline std::shared_ptr<nn::EnsembleDense> EnsembleDense(int64_t units, const nn::EnsembleOptions& options = {}) {
  return std::make_shared<nn::EnsembleDense>(units, options);
}
inline std::shared_ptr<nn::EnsembleMean> EnsembleMean(const nn::EnsembleOptions& options = {}) {
  return std::make_shared<nn::EnsembleMean>(options);
}
}  // namespace deepfin::layers
