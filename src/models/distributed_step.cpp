// One data-parallel training step. Every rank holds the same weights and takes
// its share of the same global batch. The batch loss is the mean over all its
// rows, so a rank seeds backward with its share of the rows, and the sum of
// the ranks' gradients is the gradient of the whole batch: the step one
// process would take, up to the order of float additions. Every rank then
// applies the same update to the same weights, and they stay equal.
#include "deepfin/autograd/node.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/models/model.h"
#include "deepfin/optim/optim.h"
#include "models/data_parallel.h"
#include "models/gradient_buckets.h"

namespace deepfin::models {

double Model::train_step_distributed(const Tensor& x, const Tensor& y, const Tensor& w, int64_t whole,
                                     train::Communicator& comm, detail::GradientBuckets& buckets) {
  arena_.zero_grads();
  buckets.begin_step();
  const int64_t rows = x.size(0);
  const double share = whole > 0 ? static_cast<double>(rows) / static_cast<double>(whole) : 0.0;
  double loss = 0.0;
  if (rows > 0) {
    if (const int shards = shardable_ ? shards_for(rows) : 1; shards > 1) {
      loss = sharded_gradients(x, y, w, shards, share);  // threads first; the ranks' sum follows
    } else {
      Tensor y_pred;
      {
        autograd::LeafGradientRedirect redirect(&buckets);
        Tensor batch_loss = compute_loss(x, y, w, /*training=*/true, &y_pred);
        if (batch_loss.requires_grad()) batch_loss.backward(full(batch_loss.shape(), share, batch_loss.dtype()));
        loss = batch_loss.item();
      }
      NoGradGuard no_grad;
      for (const auto& m : metrics_) m->update_state(y, y_pred, w);
    }
  }
  buckets.finish_step();
  if (arena_.size() > 0) optimizer_->apply_gradients(arena_.params<float>(), arena_.grads<float>(), arena_.size());
  return detail::global_mean(comm, loss * static_cast<double>(rows), static_cast<double>(rows));
}

}  // namespace deepfin::models
