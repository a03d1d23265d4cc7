#pragma once
// Keras-level loss objects: thin wrappers over the fused ops in ops/losses.h
// that first line up y_true with y_pred the way Keras does (a trailing axis of
// size 1 is added or dropped, class ids may come as floats). Each returns a scalar,
// reduced "sum_over_batch_size" (per-sample losses, times sample_weight (N), summed, / N).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::losses {

class Loss {
 public:
  virtual ~Loss() = default;
  virtual Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const = 0;
  bool from_logits() const { return from_logits_; }
  // The Keras function name, e.g. "categorical_crossentropy".
  virtual std::string name() const { return name_; }
  // The Keras class name, e.g. "CategoricalCrossentropy".
  virtual std::string class_name() const = 0;
  // {"name", "reduction", "from_logits"} plus loss-specific keys.
  virtual nlohmann::json get_config() const;

 protected:
  Loss(std::string name, bool from_logits) : name_(std::move(name)), from_logits_(from_logits) {}

 private:
  std::string name_;
  bool from_logits_;
};

// y_true one-hot or soft (N, ..., C); y_pred probabilities, or logits when from_logits.
class CategoricalCrossentropy final : public Loss {
 public:
  explicit CategoricalCrossentropy(bool from_logits = false) : Loss("categorical_crossentropy", from_logits) {}
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "CategoricalCrossentropy"; }
};

// y_true class ids (N, ...) or (N, ..., 1), int64 or integral floats; y_pred (N, ..., C).
class SparseCategoricalCrossentropy final : public Loss {
 public:
  explicit SparseCategoricalCrossentropy(bool from_logits = false)
      : Loss("sparse_categorical_crossentropy", from_logits) {}
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "SparseCategoricalCrossentropy"; }
};

// y_true 0/1 with y_pred's shape (or without its trailing 1); y_pred probabilities or logits.
class BinaryCrossentropy final : public Loss {
 public:
  explicit BinaryCrossentropy(bool from_logits = false) : Loss("binary_crossentropy", from_logits) {}
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "BinaryCrossentropy"; }
};

class MeanSquaredError final : public Loss {
 public:
  MeanSquaredError() : Loss("mean_squared_error", false) {}
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "MeanSquaredError"; }
};

class MeanAbsoluteError final : public Loss {
 public:
  MeanAbsoluteError() : Loss("mean_absolute_error", false) {}
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "MeanAbsoluteError"; }
};

// Volatility forecasting: y_pred is the log of a variance forecast, y_true the realized
// variance (>= 0). QLIKE (Patton 2011), robust to noise in the realized variance, and the
// Gaussian negative log-likelihood up to a constant; 0 when exp(y_pred) = y_true.
class QLike final : public Loss {
 public:
  QLike() : Loss("qlike", false) {}
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "QLike"; }
};

// 0.5 e^2 where |e| <= delta, delta (|e| - 0.5 delta) beyond.
class Huber final : public Loss {
 public:
  explicit Huber(double delta = 1.0);
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) const override;
  std::string class_name() const override { return "Huber"; }
  nlohmann::json get_config() const override;
  double delta() const { return delta_; }

 private:
  double delta_;
};

// By Keras function or class name, case- and underscore-blind: categorical_crossentropy,
// sparse_categorical_crossentropy, binary_crossentropy, mse / mean_squared_error,
// mae / mean_absolute_error, huber, qlike. Unknown → ConfigError listing the valid names.
std::shared_ptr<Loss> get(const std::string& name, bool from_logits = false);
// {"class_name": ..., "config": {...}} (as serialize writes), or a plain name string.
std::shared_ptr<Loss> from_config(const nlohmann::json& j);
nlohmann::json serialize(const Loss& loss);

}  // namespace deepfin::losses
