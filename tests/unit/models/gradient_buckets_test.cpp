// GradientBuckets: the arena is cut into buckets of whole weights, last layers
// first; each bucket's sum starts as soon as backward has finished its weights
// (before backward returns), in order, and the buckets cover the arena once.
// The gradients it gathers are those of a plain backward pass.
#include "models/gradient_buckets.h"

#include <gtest/gtest.h>

#include "deepfin/autograd/engine.h"
#include "model_test_util.h"

namespace deepfin {
namespace {

// Records each start_sum: where, how long, and whether backward had returned.
class RecordingComm : public train::Communicator {
 public:
  struct Call {
    const float* at;
    int64_t n;
    bool after_backward;
  };
  int rank() const override { return 0; }
  int size() const override { return 2; }
  std::string describe() const override { return "recording"; }
  void allreduce_sum(double*, int64_t) override {}
  void start_sum(float* values, int64_t n) override { calls.push_back({values, n, backward_done}); }
  void finish_sums() override { ++finishes; }
  std::vector<std::string> allgather(const std::string& b) override { return {b, b}; }
  void broadcast(std::string&, int) override {}
  void broadcast(float*, int64_t, int) override {}
  [[noreturn]] void abort(int) override { std::abort(); }
  std::vector<Call> calls;
  bool backward_done = false;
  int finishes = 0;
};

TEST(GradientBuckets, BucketsStartDuringBackwardInOrderAndCoverTheArena) {
  set_random_seed(1);
  Sequential model({layers::Dense(8, {.activation = "relu", .input_shape = {4}}),
                    layers::Dense(8, {.activation = "relu"}), layers::Dense(3)});
  model.build({4});
  const testing::Blobs data = testing::make_blobs(16, 2);
  nn::ParameterArena& arena = model.parameter_arena();

  // The plain backward's gradients, for comparison.
  arena.zero_grads();
  mean(square(model.call(data.x, true))).backward();
  const std::vector<float> expected = arena.grads_tensor().to_vector<float>();

  RecordingComm comm;
  // 40 bytes: a bucket closes once it holds 10 floats: here one per layer (bias and kernel).
  models::detail::GradientBuckets buckets(arena, model.trainable_weights(), comm, 40);
  EXPECT_EQ(buckets.num_buckets(), 3);
  arena.zero_grads();
  buckets.begin_step();
  {
    autograd::LeafGradientRedirect redirect(&buckets);
    mean(square(model.call(data.x, true))).backward();
  }
  comm.backward_done = true;
  buckets.finish_step();
  EXPECT_EQ(comm.finishes, 1);
  ASSERT_EQ(static_cast<int>(comm.calls.size()), buckets.num_buckets());
  const float* base = arena.grads<float>();
  int64_t end = arena.size();
  for (const auto& call : comm.calls) {
    EXPECT_FALSE(call.after_backward) << "every weight was final before backward returned";
    EXPECT_EQ(call.at + call.n, base + end) << "buckets run from the arena's end, back to back";
    end = call.at - base;
  }
  EXPECT_EQ(end, 0);
  EXPECT_EQ(arena.grads_tensor().to_vector<float>(), expected);
}

TEST(GradientBuckets, AStepWithoutBackwardStillStartsEveryBucketInOrder) {
  set_random_seed(1);
  Sequential model({layers::Dense(4, {.input_shape = {2}}), layers::Dense(2)});
  model.build({2});
  RecordingComm comm;
  models::detail::GradientBuckets buckets(model.parameter_arena(), model.trainable_weights(), comm, 4);
  buckets.begin_step();  // a rank with no rows in this batch
  buckets.finish_step();
  ASSERT_EQ(static_cast<int>(comm.calls.size()), buckets.num_buckets());
  EXPECT_GT(comm.calls.front().at, comm.calls.back().at);
}

TEST(LeafCompletion, AWeightUsedTwiceIsFinalOnceAfterBoth) {
  struct Counter : autograd::LeafGradientSink {
    void accumulate(const TensorImpl&, const Tensor&) override { ++added; }
    bool wants_completion() const override { return true; }
    void leaf_complete(const TensorImpl&) override { completed_after.push_back(added); }
    int added = 0;
    std::vector<int> completed_after;
  } sink;
  Tensor w = from_vector(std::vector<float>{1, 2, 3}, {3});
  w.set_requires_grad();
  Tensor y = sum(w * w) + sum(w * 3.0);
  {
    autograd::LeafGradientRedirect redirect(&sink);
    y.backward();
  }
  ASSERT_EQ(sink.completed_after.size(), 1u);
  EXPECT_EQ(sink.completed_after[0], sink.added);  // complete only after its last contribution
  EXPECT_GE(sink.added, 2);
}

}  // namespace
}  // namespace deepfin
