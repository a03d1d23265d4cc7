#pragma once
// A TrainingModel stand-in for callback tests: one weight tensor whose value the test
// sets to mark "which epoch's weights" the model holds; save() records paths.
#include <string>
#include <vector>

#include "deepfin/optim/sgd.h"
#include "deepfin/train/callback.h"

namespace deepfin::testing {

class FakeModel final : public train::TrainingModel {
 public:
  std::vector<Tensor> get_weights() const override { return {weight_}; }
  void set_weights(const std::vector<Tensor>& w) override {
    weight_ = w.at(0).clone();
    ++set_weights_calls;
  }
  void save(const std::string& path) const override { saved.push_back(path); }
  optim::Optimizer& optimizer() override { return *optimizer_; }

  void set_marker(double v) { weight_ = full({2}, v); }
  double marker() const { return weight_.at({0}); }

  mutable std::vector<std::string> saved;
  int set_weights_calls = 0;

 private:
  Tensor weight_ = full({2}, 0.0);
  std::shared_ptr<optim::Optimizer> optimizer_ = optim::SGD({.learning_rate = 0.1});
};

}  // namespace deepfin::testing
