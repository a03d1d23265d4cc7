#pragma once
// The array task: the seed's image classification, and any model on plain arrays.
// Fashion-MNIST (its official 60,000 / 10,000 split) or an .npy / .npz pair split
// with the run's seed, a model from the job's layer tree, fit, and the test
// set's loss, metrics and predictions.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/data/fashion_mnist.h"
#include "deepfin/models/model.h"
#include "deepfin/tasks/job_spec.h"
#include "deepfin/train/callback.h"

namespace deepfin::tasks {

struct ImageEvaluation {
  train::Logs logs;         // the compiled loss and metrics on the test set
  Tensor probabilities;     // model outputs for the test set
  double predict_accuracy;  // accuracy of `probabilities` (categorical, sparse or binary, by Keras's rule)
};

class ImageTask {
 public:
  // ConfigError unless the job's data is fashion_mnist, npy or npz.
  explicit ImageTask(JobSpec job);
  const JobSpec& job() const { return job_; }

  // Fashion-MNIST keeps its official split; .npy/.npz data are split ([data]
  // test_split, default 80/20) with `seed`, as the seed example does.
  data::Dataset load_data(uint64_t seed) const;
  // The job's model, compiled and built for the data's sample shape.
  std::shared_ptr<models::Model> build_model(const data::Dataset& data) const;
  // Fits on the training part; each epoch is validated on the test part unless
  // [fit] says otherwise. `callbacks` are added to the job's; verbose overrides
  // [fit] verbose if >= 0.
  train::History fit(models::Model& model, const data::Dataset& data,
                     const std::vector<std::shared_ptr<train::Callback>>& callbacks = {}, int verbose = -1) const;
  ImageEvaluation evaluate(models::Model& model, const data::Dataset& data, int64_t batch_size = 256) const;

 private:
  JobSpec job_;
};

// Writes Fashion-MNIST (train then test, 70,000 images) as DIR/data.npy, (N, 28, 28, 1)
// float32 in [0, 1], and DIR/labels.npy, int64 class ids: the plain pair the seed
// example starts from. Returns the two arrays' shapes.
std::pair<Shape, Shape> export_fashion_mnist(const std::string& dir, const data::FashionMnistOptions& options = {});

// Class ids of labels, as fit() reads them: class numbers (N) or (N, 1), 0/1 targets of a
// sigmoid output (N, 1), or one-hot rows (N, classes) by their largest entry.
std::vector<int64_t> class_ids(const Tensor& labels);

}  // namespace deepfin::tasks
