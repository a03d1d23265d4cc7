// The array task's model, fit and evaluation.
#include "deepfin/tasks/image_task.h"

#include <fmt/format.h>

#include "deepfin/base/error.h"
#include "deepfin/metrics/accuracy.h"
#include "deepfin/tasks/fit_setup.h"
#include "deepfin/tasks/model_factory.h"

namespace deepfin::tasks {

std::vector<int64_t> class_ids(const Tensor& labels) {
  if (labels.dim() == 1 && labels.dtype() == DType::int64) return labels.to_vector<int64_t>();
  if (labels.dim() != 2)
    throw ShapeError(
        fmt::format("class ids need class numbers (N) or one-hot rows (N, classes), got labels of shape {}",
                    shape_str(labels.shape())));
  const std::vector<double> v = labels.to_vector<double>();
  const int64_t n = labels.size(0), k = labels.size(1);
  std::vector<int64_t> ids(n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 1; j < k; ++j)
      if (v[i * k + j] > v[i * k + ids[i]]) ids[i] = j;
  return ids;
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
