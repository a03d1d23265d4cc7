#pragma once
// The gradient all-reduce of data-parallel training, overlapped with backward
// (as PyTorch DDP does). The gradient arena is cut into buckets of whole
// weights, in the order backward finishes them (the last layers first). Each
// rank's backward adds its gradient, scaled by its share of the global batch,
// into the arena; when every weight of a bucket is final (the engine's
// leaf_complete), the bucket's sum over the ranks starts while backward works
// on earlier layers. Buckets start strictly in order, so every rank issues the
// same collectives in the same order, as MPI requires.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "deepfin/autograd/engine.h"
#include "deepfin/nn/parameter_arena.h"
#include "deepfin/train/communicator.h"

namespace deepfin::models::detail {

class GradientBuckets : public autograd::LeafGradientSink {
 public:
  // Buckets of about `bucket_bytes` (never splitting a weight). `weights` are
  // the arena's weights.
  GradientBuckets(const nn::ParameterArena& arena, const std::vector<Tensor>& weights, train::Communicator& comm,
                  int64_t bucket_bytes = int64_t{4} << 20);

  // A new step: no bucket started, every weight pending.
  void begin_step();
  // Starts every bucket not started yet (in order: weights backward never
  // reached, or a rank with no rows this step) and waits for all the sums.
  void finish_step();
  int num_buckets() const { return static_cast<int>(buckets_.size()); }

  void accumulate(const TensorImpl& leaf, const Tensor& grad) override;
  bool wants_completion() const override { return true; }
  void leaf_complete(const TensorImpl& leaf) override;

 private:
  struct Bucket {
    int64_t begin = 0, end = 0;  // arena elements
    int weights = 0;             // how many weights it holds
    int pending = 0;             // of those, not final yet this step
  };
  void start_ready();

  const nn::ParameterArena& arena_;
  train::Communicator& comm_;
  std::vector<Bucket> buckets_;                           // in start order
  std::unordered_map<const TensorImpl*, int> bucket_of_;  // weight -> bucket
  std::unordered_map<const TensorImpl*, bool> complete_;  // weight -> final this step
  int next_to_start_ = 0;
};

}  // namespace deepfin::models::detail
