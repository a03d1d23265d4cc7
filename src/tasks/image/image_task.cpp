// The array task's model, fit and evaluation.
#include "deepfin/tasks/image_task.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/data/categorical.h"
#include "deepfin/metrics/accuracy.h"
#include "deepfin/tasks/fit_setup.h"
#include "deepfin/tasks/model_factory.h"

namespace deepfin::tasks {

std::vector<int64_t> class_ids(const Tensor& labels) {
  return data::class_indices(labels, "class weights").to_vector<int64_t>();
}

ImageTask::ImageTask(JobSpec job) : job_(std::move(job)) {
  const std::string& s = job_.data.source;
  if (s != "fashion_mnist" && s != "npy" && s != "npz")
    throw ConfigError(fmt::format("{}: the array task works on fashion_mnist, npy and npz data (source is \"{}\")",
                                  job_.file.string(), s));
}

std::shared_ptr<models::Model> ImageTask::build_model(const data::Dataset& data) const {
  auto model = model_from_json(job_.model);
  model->compile(compile_options_from_json(job_.compile));
  if (!model->built()) model->build(Shape(data.x_train.shape().begin() + 1, data.x_train.shape().end()));
  return model;
}

train::History ImageTask::fit(models::Model& model, const data::Dataset& data,
                              const std::vector<std::shared_ptr<train::Callback>>& callbacks, int verbose) const {
  FitSpec spec = job_.fit;
  std::optional<std::pair<Tensor, Tensor>> validation;
  switch (spec.validation) {
    case FitSpec::Validation::task_default:
      if (spec.validation_split > 0) break;  // Keras's last share of the training data
      [[fallthrough]];
    case FitSpec::Validation::test:
      validation = std::make_pair(data.x_test, data.y_test);
      break;
    case FitSpec::Validation::split:
      break;
    case FitSpec::Validation::none:
      spec.validation_split = 0.0;
      break;
  }
  const std::vector<int64_t> classes = spec.balanced_class_weight ? class_ids(data.y_train) : std::vector<int64_t>{};
  models::FitOptions options = fit_options(spec, validation, classes, job_.output.history_csv, verbose);
  for (const auto& c : callbacks) options.callbacks.push_back(c);
  return model.fit(data.x_train, data.y_train, options);
}

ImageEvaluation ImageTask::evaluate(models::Model& model, const data::Dataset& data, int64_t batch_size) const {
  ImageEvaluation e;
  e.logs = model.evaluate(data.x_test, data.y_test, batch_size);
  e.probabilities = model.predict(data.x_test, batch_size);
  metrics::Accuracy accuracy(metrics::AccuracyKind::automatic);
  accuracy.update_state(data.y_test, e.probabilities);
  e.predict_accuracy = accuracy.result();
  return e;
}

}  // namespace deepfin::tasks
