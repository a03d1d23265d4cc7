// Model::fit: the Keras training loop over mini-batches, with callbacks and
// end-of-epoch validation.
#include <fmt/format.h>

#include <cmath>

#include "deepfin/autograd/node.h"
#include "deepfin/core/random.h"
#include "deepfin/data/loader.h"
#include "deepfin/losses/loss.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/metrics/registry.h"
#include "deepfin/models/model.h"
#include "deepfin/ops/shape_ops.h"
#include "deepfin/optim/optim.h"
#include "deepfin/privacy/per_sample_gradients.h"
#include "deepfin/train/callback.h"
#include "deepfin/train/progbar.h"
#include "models/input_checks.h"
#include "models/private_training.h"

namespace deepfin::models {
namespace {

struct Split {
  Tensor train, val;
};

// Keras holds out the last samples (before any shuffling).
Split split_tail(const Tensor& t, int64_t split_at) {
  if (!t.defined()) return {};
  return {t.slice(0, 0, split_at), t.slice(0, split_at, t.size(0))};
}

Tensor rows_of(const Tensor& t, const Tensor& rows) {
  return t.defined() ? gather(t, rows, 0) : Tensor();
}

}  // namespace

double Model::train_step(const Tensor& x, const Tensor& y, const Tensor& w) {
  arena_.zero_grads();  // the engine accumulates into the arena's views
  if (const int shards = shardable_ ? shards_for(x.size(0)) : 1; shards > 1) return train_step_sharded(x, y, w, shards);
  Tensor y_pred;
  Tensor loss = compute_loss(x, y, w, /*training=*/true, &y_pred);
  if (loss.requires_grad()) loss.backward();
  if (arena_.size() > 0) optimizer_->apply_gradients(arena_.params<float>(), arena_.grads<float>(), arena_.size());
  {
    NoGradGuard no_grad;
    for (const auto& m : metrics_) m->update_state(y, y_pred, w);
  }
  return loss.item();
}

train::History Model::fit(const Tensor& x_in, const Tensor& y_in, const FitOptions& options) {
  const char* op = "fit";
  if (!compiled()) throw ValueError(fmt::format("fit: model '{}' must be compiled first", name_));
  detail::check_same_samples(x_in, "x", y_in, "y", op);
  ensure_built_for(x_in, op);
  detail::check_finite(x_in, "x", op);
  detail::check_finite(y_in, "y", op);
  if (options.batch_size < 1) throw ValueError(fmt::format("fit: batch_size must be >= 1, got {}", options.batch_size));
  if (options.epochs < 0 || options.initial_epoch < 0)
    throw ValueError(
        fmt::format("fit: epochs ({}) and initial_epoch ({}) must be >= 0", options.epochs, options.initial_epoch));
  if (arena_.size() > 0 && arena_.dtype() != DType::float32)
    throw DTypeError(
        fmt::format("fit: training needs float32 weights, model '{}' has {}", name_, dtype_name(arena_.dtype())));
  Tensor x = detail::as_model_input(x_in, "x", op), y = y_in;
  Tensor w = detail::combine_sample_weights(y, options.sample_weight, options.class_weight, op);

  Tensor x_val, y_val, w_val;
  if (options.validation_data) {
    x_val = detail::as_model_input(options.validation_data->first, "validation x", op);
    y_val = options.validation_data->second;
    detail::check_same_samples(x_val, "validation x", y_val, "validation y", op);
    detail::check_input_shape(x_val, input_shape_, "fit (validation_data)");
    detail::check_finite(x_val, "validation x", op);
    detail::check_finite(y_val, "validation y", op);
  } else if (options.validation_split > 0.0) {
    if (!(options.validation_split < 1.0))
      throw ValueError(fmt::format("fit: validation_split must be in [0, 1), got {}", options.validation_split));
    const int64_t n = x.size(0);
    const auto split_at = static_cast<int64_t>(std::ceil(static_cast<double>(n) * (1.0 - options.validation_split)));
    if (split_at <= 0 || split_at >= n)
      throw ValueError(fmt::format("fit: validation_split {} of {} samples leaves an empty training or validation set",
                                   options.validation_split, n));
    auto [xt, xv] = split_tail(x, split_at);
    auto [yt, yv] = split_tail(y, split_at);
    auto [wt, wv] = split_tail(w, split_at);
    x = xt, y = yt, w = wt, x_val = xv, y_val = yv, w_val = wv;
  }

  ensure_metrics();
  std::optional<detail::PrivateTraining> dp;
  if (options.privacy) {
    if (class_name() != "Sequential")
      throw ValueError(
          fmt::format("fit (privacy): DP-SGD trains Sequential models; '{}' is a {}", name_, class_name()));
    privacy::check_layers(layers());
    std::vector<privacy::Phase> before;
    if (const nlohmann::json prior = attachment("privacy"); !prior.is_null())
      before = privacy::guarantee_from_json(prior).phases;  // a model trained privately before: it composes
    dp.emplace(*options.privacy, x.size(0), options.batch_size, options.epochs, before);
    for (const auto& warning : dp->warnings()) fmt::print(stderr, "warning: {}\n", warning);
    if (options.verbose > 0) fmt::print("{}\n", dp->describe_plan());
  } else {
    attachments_.erase("privacy");  // training without DP ends any guarantee the weights had
  }
  data::BatchLoader loader(x, y, w,
                           {.batch_size = options.batch_size,
                            .shuffle = options.shuffle,
                            .generator = &default_generator(),
                            .prefetch = true});

  // Keras's order: progress bar first, the user's callbacks, History last.
  auto history = std::make_shared<train::History>();
  train::CallbackList callbacks;
  if (options.verbose > 0)
    callbacks.append(options.progress ? options.progress : std::make_shared<train::ProgbarLogger>());
  for (const auto& cb : options.callbacks)
    if (cb) callbacks.append(cb);
  callbacks.append(history);

  train::TrainParams params;
  params.epochs = options.epochs;
  params.steps = dp ? dp->steps_per_epoch() : loader.num_batches();
  params.verbose = options.verbose;
  params.metrics = {"loss"};
  for (const auto& m : metrics_) params.metrics.push_back(m->name());
  if (x_val.defined()) {
    params.metrics.push_back("val_loss");
    for (const auto& m : metrics_) params.metrics.push_back("val_" + m->name());
  }
  callbacks.set_model(this);
  callbacks.set_params(params);

  stop_training = false;
  shardable_ = layers_allow_shards();
  train::Logs logs;
  callbacks.on_train_begin(logs);
  for (int epoch = options.initial_epoch; epoch < options.epochs; ++epoch) {
    callbacks.on_epoch_begin(epoch);
    for (const auto& m : metrics_) m->reset_state();
    double loss_sum = 0.0;
    int64_t seen = 0;
    // After each batch: progress, and the stop for a diverged loss.
    auto batch_done = [&](int64_t index, double loss, int64_t size) {
      loss_sum += loss * static_cast<double>(size);
      seen += size;
      callbacks.on_train_batch_end(index, current_logs(seen ? loss_sum / static_cast<double>(seen) : 0.0));
      if (stop_training) return;  // e.g. TerminateOnNaN: the caller asked to keep what there is
      if (!std::isfinite(loss))
        throw ValueError(fmt::format(
            "fit: the loss became {} at epoch {}, batch {}: training diverged, and the weights of model '{}' are no "
            "longer usable. Lower the learning rate or scale the inputs (from C++, a TerminateOnNaN callback "
            "stops training without an error)",
            std::isnan(loss) ? "NaN" : "infinite", epoch + 1, index + 1, name_));
    };
    if (dp) {
      for (int64_t step = 0; step < dp->steps_per_epoch() && !stop_training; ++step) {
        if (!dp->step_allowed()) {  // one more step would spend more than the epsilon budget
          stop_training = true;
          break;
        }
        const std::vector<int64_t> chosen = dp->next_batch(step);
        const Tensor rows = from_vector(chosen, {static_cast<int64_t>(chosen.size())});
        const Tensor xb = rows_of(x, rows), yb = rows_of(y, rows), wb = rows_of(w, rows);
        callbacks.on_train_batch_begin(step);
        const double loss = train_step_private(xb, yb, wb, *dp);
        dp->account_step();
        batch_done(step, loss, xb.size(0));
      }
    } else {
      loader.start_epoch();
      while (auto batch = loader.next()) {
        callbacks.on_train_batch_begin(batch->index);
        batch_done(batch->index, train_step(batch->x, batch->y, batch->w), batch->x.size(0));
        if (stop_training) break;
      }
    }
    logs = current_logs(seen ? loss_sum / static_cast<double>(seen) : 0.0);
    if (dp) logs["epsilon"] = dp->epsilon_spent();
    if (x_val.defined()) {
      for (const auto& [key, value] : run_evaluation(x_val, y_val, w_val, options.batch_size))
        logs["val_" + key] = value;
    }
    callbacks.on_epoch_end(epoch, logs);
    if (stop_training) break;
  }
  if (dp) set_attachment("privacy", privacy::to_json(dp->guarantee()));
  callbacks.on_train_end(logs);
  return *history;
}

}  // namespace deepfin::models
