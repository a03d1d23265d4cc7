#pragma once
// compile() and fit() options, field order following Keras's keyword arguments
// so designated initializers read like Python:
//   model.compile({.optimizer = optim::Adam({.learning_rate = 1e-3}), .loss = "mse", .metrics = {"mae"}});
//   model.fit(x, y, {.epochs = 10, .batch_size = 32, .validation_data = {{x_val, y_val}}});
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/core/tensor.h"
#include "deepfin/privacy/privacy_options.h"
#include "deepfin/train/checkpoint.h"

namespace deepfin::optim {
class Optimizer;
}
namespace deepfin::losses {
class Loss;
}
namespace deepfin::train {
class Callback;
class Communicator;
}  // namespace deepfin::train

namespace deepfin::models {

// An optimizer given by name ("adam") or as an object.
struct OptimizerSpec {
  OptimizerSpec(const char* n) : name(n) {}
  OptimizerSpec(std::string n) : name(std::move(n)) {}
  OptimizerSpec(std::shared_ptr<optim::Optimizer> o) : optimizer(std::move(o)) {}
  template <class O>
  OptimizerSpec(std::shared_ptr<O> o) : optimizer(std::move(o)) {}
  std::string name{};
  std::shared_ptr<optim::Optimizer> optimizer{};
};

// A loss given by name ("categorical_crossentropy") or as an object.
struct LossSpec {
  LossSpec() = default;
  LossSpec(const char* n) : name(n) {}
  LossSpec(std::string n) : name(std::move(n)) {}
  LossSpec(std::shared_ptr<losses::Loss> l) : loss(std::move(l)) {}
  template <class L>
  LossSpec(std::shared_ptr<L> l) : loss(std::move(l)) {}
  std::string name{};
  std::shared_ptr<losses::Loss> loss{};
};

struct CompileOptions {
  OptimizerSpec optimizer = "rmsprop";  // Keras's default
  LossSpec loss{};
  std::vector<std::string> metrics{};
};

struct FitOptions {
  int epochs = 1;
  int64_t batch_size = 32;
  std::optional<std::pair<Tensor, Tensor>> validation_data{};  // wins over validation_split
  double validation_split = 0.0;  // the last fraction of x/y (before shuffling) is held out
  bool shuffle = true;
  std::map<int64_t, double> class_weight{};  // class -> weight; absent classes weigh 1
  Tensor sample_weight{};                    // (N); multiplies with class_weight
  std::vector<std::shared_ptr<train::Callback>> callbacks{};
  int verbose = 1;  // 0 silent, 1 progress bar, 2 one line per epoch
  // With verbose > 0, the progress display used instead of the ProgbarLogger on stdout
  // (the Python module's writes to sys.stdout, which a notebook shows).
  std::shared_ptr<train::Callback> progress{};
  int initial_epoch = 0;
  // Differentially private training (DP-SGD): each example's gradient clipped,
  // Gaussian noise added, batches Poisson-sampled. Each epoch's logs carry the
  // epsilon spent so far, and the model records its guarantee (the "privacy"
  // attachment). Needs a Sequential model whose layers treat examples independently.
  std::optional<privacy::PrivacyOptions> privacy{};
  // Data-parallel training over the ranks of `communicator` (null: train::world(),
  // which is one process unless an MpiSession is open). batch_size is then the
  // global batch: each rank trains on its share of every batch, gradients are
  // summed over the ranks, and the weights are those one process would reach.
  std::shared_ptr<train::Communicator> communicator{};
  // Checkpoints every few steps or epochs, and resuming from the newest valid
  // one (train/checkpoint.h). A resumed run ends with the weights of a run
  // never stopped, bit for bit (with the same seed, threads and ranks).
  std::optional<train::CheckpointOptions> checkpoint{};
};

}  // namespace deepfin::models
