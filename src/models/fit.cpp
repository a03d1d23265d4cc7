// Model::fit: the Keras training loop over mini-batches, with callbacks,
// end-of-epoch validation, checkpoints, and data parallelism over ranks.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>

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
#include "deepfin/train/communicator.h"
#include "deepfin/train/progbar.h"
#include "models/data_parallel.h"
#include "models/fit_progress.h"
#include "models/gradient_buckets.h"
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
  if (options.checkpoint) train::check_checkpoint_options(*options.checkpoint);
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
  // The ranks of a data-parallel run (one process unless an MpiSession is open).
  const std::shared_ptr<train::Communicator> comm = options.communicator ? options.communicator : train::world();
  const bool distributed = comm->size() > 1;
  const int rank = comm->rank();
  const int verbose = rank == 0 ? options.verbose : 0;  // rank 0 speaks for the run
  if (distributed) {
    for (const auto& layer : layers())
      if (layer->class_name() == "BatchNormalization")
        throw ValueError(fmt::format(
            "fit ({} ranks): layer '{}' is a BatchNormalization, whose batch statistics would differ from rank to "
            "rank (they are not synchronized). Use LayerNormalization, or train on one process",
            comm->size(), layer->name()));
  }
  // What this fit starts from: ranks must agree, and a checkpoint must come from the same.
  std::string fingerprint;
  if (distributed || options.checkpoint) {
    const nlohmann::json configs = {{"model", detail::unnamed_config(get_config())},
                                    {"compile", detail::unnamed_config(compile_config())},
                                    {"epochs", options.epochs},
                                    {"batch_size", options.batch_size},
                                    {"shuffle", options.shuffle},
                                    {"privacy", options.privacy.has_value()},
                                    {"ranks", comm->size()}};
    fingerprint = detail::fit_fingerprint(configs.dump(), {x, y, w, x_val, y_val, w_val});
    detail::require_same_on_all_ranks(*comm, fingerprint, "the model, fit options or data",
                                      "Start every rank with the same job file, data and seed");
    if (distributed)  // the same start, whatever each rank's seed did (the check above made the sizes equal)
      comm->broadcast(arena_.params<float>(), arena_.size(), 0);
    detail::require_same_on_all_ranks(*comm, detail::training_state_digest(arena_, *optimizer_), "the optimizer state",
                                      "Load the same model on every rank");
  }

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
    if (rank == 0)
      for (const auto& warning : dp->warnings()) fmt::print(stderr, "warning: {}\n", warning);
    if (verbose > 0) fmt::print("{}\n", dp->describe_plan());
  } else {
    attachments_.erase("privacy");  // training without DP ends any guarantee the weights had
  }

  // Random streams. The default generator, alike on every rank, orders the
  // batches, so the global batches are those of one process. One process also
  // draws its dropout masks from it, as always; several ranks draw theirs from
  // a stream per rank (steps_rng), seeded without drawing from the order's.
  Generator* order = &default_generator();
  Generator* steps_rng = order;
  std::optional<Generator> rank_stream;
  if (distributed) {
    const uint64_t position = std::hash<std::string>{}(order->state());
    rank_stream.emplace(position ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(rank + 1)));
    steps_rng = &*rank_stream;
  }
  data::BatchLoader loader(x, y, w,
                           {.batch_size = options.batch_size,
                            .shuffle = options.shuffle,
                            .generator = order,
                            .prefetch = true,
                            .shard = rank,
                            .shards = comm->size()});
  std::optional<detail::GradientBuckets> buckets;
  if (distributed && !dp) buckets.emplace(arena_, trainable_weights(), *comm);

  // Keras's order: progress bar first, the user's callbacks, History last.
  auto history = std::make_shared<train::History>();
  train::CallbackList callbacks;
  if (verbose > 0) callbacks.append(options.progress ? options.progress : std::make_shared<train::ProgbarLogger>());
  for (const auto& cb : options.callbacks)
    if (cb) callbacks.append(cb);
  callbacks.append(history);

  train::TrainParams params;
  params.epochs = options.epochs;
  params.steps = dp ? dp->steps_per_epoch() : loader.num_batches();
  params.verbose = verbose;
  params.metrics = {"loss"};
  for (const auto& m : metrics_) params.metrics.push_back(m->name());
  if (x_val.defined()) {
    params.metrics.push_back("val_loss");
    for (const auto& m : metrics_) params.metrics.push_back("val_" + m->name());
  }
  callbacks.set_model(this);
  callbacks.set_params(params);

  detail::FitProgress at{.epoch = options.initial_epoch};
  if (options.checkpoint) {
    // Rank 0 picks the checkpoint (or, without resume, makes sure there is none
    // to mix with); every rank then restores that one file.
    const std::string& directory = options.checkpoint->directory;
    std::string chosen;
    detail::together(*comm, [&] {
      if (rank == 0) chosen = options.checkpoint->resume ? choose_checkpoint(directory, fingerprint) : "";
      if (rank == 0 && !options.checkpoint->resume) detail::prepare_fresh_checkpoints(directory);
    });
    if (distributed) comm->broadcast(chosen, 0);
    train::TrainingState saved;
    if (!chosen.empty())
      detail::together(*comm, [&] {
        saved = restore_checkpoint(chosen, rank == 0);
        // Rank 0 alone has the CSV log, whose restore may fail.
        at = detail::resume_fit(saved, *comm, *order, *steps_rng, callbacks, metrics_, *optimizer_, dp);
      });
  }
  // Writes a checkpoint (rank 0; every rank takes part in gathering the state,
  // and learns whether the write failed).
  auto checkpoint = [&](bool finished) {
    // Not of weights that training turned NaN or Inf (no reader would take them;
    // with TerminateOnNaN fit returns): the last good checkpoint stays. The
    // weights are alike on every rank, so every rank skips alike.
    if (detail::first_nonfinite(arena_.params_tensor()) >= 0) return;
    const train::TrainingState state =
        detail::fit_state(at, finished, fingerprint, *comm, *order, *steps_rng, callbacks, metrics_, *optimizer_);
    detail::together(*comm, [&] {
      if (rank != 0) return;
      std::filesystem::create_directories(options.checkpoint->directory);
      write_checkpoint(train::checkpoint_file(options.checkpoint->directory, at.steps).string(), state);
      train::prune_checkpoints(options.checkpoint->directory, options.checkpoint->keep);
    });
  };

  stop_training = false;
  shardable_ = layers_allow_shards();
  train::Logs logs = at.logs;
  // Callbacks that write files live on rank 0 alone: their errors must reach every rank.
  detail::together(*comm, [&] { callbacks.on_train_begin(logs); });
  for (int epoch = at.epoch; epoch < options.epochs && !at.finished; ++epoch) {
    const bool resumed_mid_epoch = epoch == at.epoch && at.next_batch > 0;
    if (!resumed_mid_epoch) {
      at.epoch = epoch;
      at.next_batch = 0;
      at.loss_sum = 0.0;
      at.seen = 0;
      at.epoch_order = order->state();
      if (!optimizer_->schedule()) at.epoch_learning_rate = optimizer_->learning_rate();
      for (const auto& m : metrics_) m->reset_state();
    } else if (!optimizer_->schedule() && at.epoch_learning_rate > 0) {
      // The rate as the epoch began: on_epoch_begin (a LearningRateScheduler) applies this epoch's change again.
      optimizer_->set_learning_rate(at.epoch_learning_rate);
    }
    callbacks.on_epoch_begin(epoch);
    // After each batch: progress, the stop for a diverged loss, and a checkpoint when due.
    auto batch_done = [&](int64_t index, double loss, int64_t size) {
      at.loss_sum += loss * static_cast<double>(size);
      at.seen += size;
      at.next_batch = index + 1;
      ++at.steps;
      callbacks.on_train_batch_end(index, current_logs(at.mean_loss()));
      if (distributed) stop_training = detail::rank0_flag(*comm, stop_training);  // one decision for all ranks
      if (stop_training) return;  // e.g. TerminateOnNaN: the caller asked to keep what there is
      if (!std::isfinite(loss))
        throw ValueError(fmt::format(
            "fit: the loss became {} at epoch {}, batch {}: training diverged, and the weights of model '{}' are no "
            "longer usable. Lower the learning rate or scale the inputs (from C++, a TerminateOnNaN callback "
            "stops training without an error)",
            std::isnan(loss) ? "NaN" : "infinite", epoch + 1, index + 1, name_));
      if (options.checkpoint && options.checkpoint->every_steps > 0 && at.steps % options.checkpoint->every_steps == 0)
        checkpoint(false);
    };
    if (dp) {
      if (resumed_mid_epoch) dp->skip_to(at.next_batch);
      for (int64_t step = at.next_batch; step < dp->steps_per_epoch() && !stop_training; ++step) {
        if (!dp->step_allowed()) {  // one more step would spend more than the epsilon budget
          stop_training = true;
          break;
        }
        std::vector<int64_t> chosen = rank == 0 ? dp->next_batch(step) : std::vector<int64_t>();
        if (distributed) detail::broadcast_rows(*comm, chosen);  // rank 0 draws the global batch
        const auto whole = static_cast<int64_t>(chosen.size());
        const auto first = static_cast<int64_t>(whole * rank / comm->size());
        const auto last = static_cast<int64_t>(whole * (rank + 1) / comm->size());
        const Tensor rows =
            from_vector(std::vector<int64_t>(chosen.begin() + first, chosen.begin() + last), {last - first});
        const Tensor xb = rows_of(x, rows), yb = rows_of(y, rows), wb = rows_of(w, rows);
        callbacks.on_train_batch_begin(step);
        const DefaultGeneratorScope own_stream(distributed ? steps_rng : nullptr);
        const double loss = train_step_private(xb, yb, wb, *dp, comm.get(), whole);
        dp->account_step();
        batch_done(step, loss, whole);
      }
    } else {
      if (resumed_mid_epoch) order->set_state(at.epoch_order);
      loader.start_epoch(at.next_batch);
      if (resumed_mid_epoch) steps_rng->set_state(at.rank_rng);  // dropout goes on where it was
      while (auto batch = loader.next()) {
        callbacks.on_train_batch_begin(batch->index);
        double loss = 0.0;
        if (distributed) {
          const DefaultGeneratorScope own_stream(steps_rng);
          loss = train_step_distributed(batch->x, batch->y, batch->w, batch->whole, *comm, *buckets);
        } else {
          loss = train_step(batch->x, batch->y, batch->w);
        }
        batch_done(batch->index, loss, batch->whole);
        if (stop_training) break;
      }
    }
    detail::reduce_metrics(*comm, metrics_);
    logs = current_logs(at.mean_loss());
    if (dp) logs["epsilon"] = dp->epsilon_spent();
    if (x_val.defined()) {
      for (const auto& [key, value] : run_evaluation(x_val, y_val, w_val, options.batch_size, comm.get()))
        logs["val_" + key] = value;
    }
    detail::together(*comm, [&] { callbacks.on_epoch_end(epoch, logs); });
    if (distributed) stop_training = detail::rank0_flag(*comm, stop_training);
    if (distributed)  // the proof that the ranks stay in step
      detail::require_same_on_all_ranks(
          *comm, detail::training_state_digest(arena_, *optimizer_),
          fmt::format("after epoch {}, the weights", epoch + 1),
          "The ranks have drifted apart, so the run cannot go on; resume it from its last checkpoint");
    at.epoch = epoch + 1;
    at.next_batch = 0;
    at.logs = logs;
    if (stop_training) break;
    if (options.checkpoint && options.checkpoint->every_epochs > 0 &&
        (epoch + 1) % options.checkpoint->every_epochs == 0 && epoch + 1 < options.epochs)
      checkpoint(false);
  }
  // The last checkpoint: a resumed finished run has nothing left to do.
  if (options.checkpoint && !at.finished) {
    at.logs = logs;
    checkpoint(true);
  }
  if (dp) set_attachment("privacy", privacy::to_json(dp->guarantee()));
  detail::together(*comm, [&] { callbacks.on_train_end(logs); });
  return *history;
}

}  // namespace deepfin::models
