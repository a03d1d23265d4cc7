// Packing documents into windows, and pretraining: it learns a corpus with a
// pattern, accumulation matches one big batch, a run resumed from its checkpoint
// ends as an unbroken run, and bad options are named.
#include "deepfin/lm/pretrain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "deepfin/lm/generate.h"
#include "deepfin/nn/layers/causal_lm.h"
#include "deepfin/nn/layers/dense.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

TEST(PackWindows, TargetsAreTheNextTokensAcrossDocuments) {
  // Stream 5 6 7 | 0 | 8 9 | 0  (end of text = 0), windows of 3 overlapping by one.
  const lm::TokenWindows w = lm::pack_windows({{5, 6, 7}, {8, 9}}, 0, 3);
  EXPECT_EQ(w.tokens, 7);
  EXPECT_EQ(w.size(), 2);
  EXPECT_EQ(w.dropped, 0);
  EXPECT_EQ(w.inputs.to_vector<int64_t>(), (std::vector<int64_t>{5, 6, 7, 0, 8, 9}));
  EXPECT_EQ(w.targets.to_vector<int64_t>(), (std::vector<int64_t>{6, 7, 0, 8, 9, 0}));
  const lm::TokenWindows four = lm::pack_windows({{5, 6, 7}, {8, 9}}, 0, 4);
  EXPECT_EQ(four.size(), 1);
  EXPECT_EQ(four.dropped, 2);
  EXPECT_THROW(lm::pack_windows({{5}, {}}, 0, 2), ValueError);
  try {
    lm::pack_windows({{5, 6}}, 0, 8, "validation");
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("the validation text has 3 tokens, fewer than one window of 8"),
              std::string::npos)
        << e.what();
  }
}

std::unique_ptr<models::Sequential> tiny_lm(int64_t vocab, int64_t context) {
  set_random_seed(11);
  auto model = std::make_unique<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{layers::CausalLM(
      vocab, context, 16, 1, 2, 32, {.positions = "rope", .norm = "rms", .mlp = "swiglu", .use_bias = false})});
  model->build({context});  // the weights now, from the seed
  return model;
}

// Documents "1 2 3 4 5 6 7" repeated: after training, perplexity is near 1, far below the vocabulary's 10.
TEST(Pretrain, LearnsADeterministicSequence) {
  std::vector<std::vector<int64_t>> docs(40, std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8});
  const lm::TokenWindows train = lm::pack_windows(docs, 9, 8);
  const lm::TokenWindows validation = lm::pack_windows({{1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 3, 4, 5, 6, 7, 8}}, 9, 8);
  auto model = tiny_lm(10, 8);
  const double before = lm::language_model_loss(*model, validation);
  EXPECT_NEAR(before, std::log(10.0), 0.5);
  const auto history =
      lm::pretrain(*model, train, validation, {.epochs = 30, .batch_size = 8, .learning_rate = 1e-2, .verbose = 0});
  ASSERT_EQ(history.size(), 30u);
  EXPECT_LT(history.back().validation_perplexity, 1.3);
  EXPECT_LT(history.back().train_loss, history.front().train_loss);
  EXPECT_EQ(train.size(), 44);  // (40 x 9 - 1) / 8
  EXPECT_EQ(history.back().steps, 30 * 6);
  EXPECT_NEAR(history.back().learning_rate, 1e-3, 1e-9);  // the cosine's floor, 10 % of the peak
}

// Two micro-batches of 4 accumulate to the step of one batch of 8.
TEST(Pretrain, AccumulationMatchesOneLargeBatch) {
  std::vector<std::vector<int64_t>> docs;
  for (int64_t d = 0; d < 16; ++d) docs.push_back({1 + d % 5, 2 + d % 3, 3, 4 + d % 4});
  const lm::TokenWindows train = lm::pack_windows(docs, 9, 4);
  auto whole = tiny_lm(10, 4), accumulated = tiny_lm(10, 4);
  const lm::PretrainOptions o{.epochs = 2, .batch_size = 8, .learning_rate = 5e-3, .verbose = 0};
  lm::PretrainOptions micro = o;
  micro.batch_size = 4;
  micro.accumulation_steps = 2;
  lm::pretrain(*whole, train, train, o);
  lm::pretrain(*accumulated, train, train, micro);
  const auto a = whole->get_weights(), b = accumulated->get_weights();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(testing::all_close(b[i], a[i], 1e-5, 1e-4)) << i;
}

// A run stopped after epoch 2 of 3 and resumed from its checkpoint ends with the weights and
// losses of a run that was never stopped: the optimizer state, the window order and dropout's
// random stream all come back. A checkpoint of another run is refused, naming the difference.
TEST(Pretrain, AResumedRunEndsAsAnUnbrokenRun) {
  std::vector<std::vector<int64_t>> docs;
  for (int64_t d = 0; d < 24; ++d) docs.push_back({1 + d % 5, 2 + d % 3, 3, 4 + d % 4, 5});
  const lm::TokenWindows train = lm::pack_windows(docs, 9, 6);
  const std::string dir = ::testing::TempDir() + "/pretrain_resume";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto with_dropout = [] {
    set_random_seed(21);
    auto m = std::make_unique<models::Sequential>(
        std::vector<std::shared_ptr<nn::Layer>>{layers::CausalLM(10, 6, 16, 1, 2, 32, {.dropout = 0.2})});
    m->build({6});
    return m;
  };
  lm::PretrainOptions o{.epochs = 3, .batch_size = 4, .learning_rate = 5e-3, .verbose = 0};
  auto unbroken = with_dropout();
  const auto expected = lm::pretrain(*unbroken, train, train, o);

  o.checkpoint = dir + "/lm.safetensors";
  auto crashed = with_dropout();
  struct Crash {};
  EXPECT_THROW(lm::pretrain(*crashed, train, train, o,
                            [](const lm::PretrainEpoch& e) {
                              if (e.epoch == 2) throw Crash{};
                            }),
               Crash);
  try {  // a fresh run would overwrite the stopped run's epochs
    lm::pretrain(*with_dropout(), train, train, o);
    ADD_FAILURE() << "a fresh run overwrote an unfinished checkpoint";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("holds a run that stopped after epoch 2 of 3; resume it"), std::string::npos)
        << e.what();
  }
  o.resume = true;
  auto resumed = with_dropout();
  set_random_seed(99);  // the dropout stream of a restarted process: not the crashed run's
  std::vector<int> seen;
  const auto history = lm::pretrain(*resumed, train, train, o,
                                    [&](const lm::PretrainEpoch& e) { seen.push_back(e.epoch * 10 + e.resumed); });
  EXPECT_EQ(seen, (std::vector<int>{11, 21, 30}));
  ASSERT_EQ(history.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(history[i].train_loss, expected[i].train_loss) << i;
    EXPECT_EQ(history[i].validation_loss, expected[i].validation_loss) << i;
  }
  const auto a = unbroken->get_weights(), b = resumed->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].to_vector<float>(), b[i].to_vector<float>()) << i;

  lm::PretrainOptions other = o;  // the finished checkpoint, read by a run with another learning rate
  other.learning_rate = 1e-3;
  try {
    lm::pretrain(*with_dropout(), train, train, other);
    ADD_FAILURE() << "a checkpoint of another run was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(
        std::string(e.what()).find("cannot resume from " + o.checkpoint +
                                   ": it was written by a run with learning_rate = 0.005, and this run has 0.001"),
        std::string::npos)
        << e.what();
  }
  other = o;  // another architecture: the same weights' shapes, another dropout
  try {
    set_random_seed(21);
    models::Sequential no_dropout({layers::CausalLM(10, 6, 16, 1, 2, 32, {.dropout = 0.0})});
    no_dropout.build({6});
    lm::pretrain(no_dropout, train, train, other);
    ADD_FAILURE() << "a checkpoint of another architecture was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(
        std::string(e.what()).find("it was written by a model of another architecture (a [model] option differs)"),
        std::string::npos)
        << e.what();
  }
  unbroken->save(dir + "/plain.safetensors");
  other = o;
  other.checkpoint = dir + "/plain.safetensors";
  EXPECT_THROW(lm::pretrain(*with_dropout(), train, train, other), ValueError);  // a model file, not a checkpoint
}

// BERT's objective on an encoder: each document repeats one token, so a masked token is
// told by the tokens around it on both sides (no single position holds it), and the masked
// loss falls far below ln(vocab).
TEST(Pretrain, MaskedObjectiveTrainsABidirectionalEncoder) {
  std::vector<std::vector<int64_t>> docs;
  for (int64_t d = 0; d < 60; ++d) docs.push_back(std::vector<int64_t>(15, 1 + d % 8));
  const lm::TokenWindows train = lm::pack_windows(docs, 9, 8);
  set_random_seed(12);
  models::Sequential model(
      {layers::CausalLM(11, 8, 16, 2, 2, 32, {.positions = "rope", .attention = "bidirectional"})});
  model.build({8});
  const lm::PretrainOptions o{
      .epochs = 30, .batch_size = 8, .learning_rate = 1e-2, .verbose = 0, .objective = "masked", .mask_id = 10};
  const double before = lm::masked_language_model_loss(model, train, o, 1);
  EXPECT_NEAR(before, std::log(11.0), 0.6);
  const auto history = lm::pretrain(model, train, train, o);
  EXPECT_LT(history.back().validation_loss, 0.8) << before;
  EXPECT_DOUBLE_EQ(lm::masked_language_model_loss(model, train, o, 1),
                   lm::masked_language_model_loss(model, train, o, 1));
  // The objective and the attention must agree; a masked run needs its mask id.
  lm::PretrainOptions causal = o;
  causal.objective = "causal";
  EXPECT_THROW(lm::pretrain(model, train, train, causal), ValueError);
  lm::PretrainOptions no_mask = o;
  no_mask.mask_id = -1;
  EXPECT_THROW(lm::pretrain(model, train, train, no_mask), ValueError);
}

// An encoder with pad_id: appending pads changes no real position's output.
TEST(Pretrain, BidirectionalPadsAreMaskedAsKeys) {
  set_random_seed(13);
  auto encoder = layers::CausalLM(11, 8, 16, 1, 2, 32, {.output = "hidden", .pad_id = 0, .attention = "bidirectional"});
  const Tensor short_row = encoder->call(from_vector(std::vector<float>{3, 4, 5}, {1, 3}));
  const Tensor padded = encoder->call(from_vector(std::vector<float>{3, 4, 5, 0, 0}, {1, 5}));
  EXPECT_TRUE(testing::all_close(padded.slice(1, 0, 3), short_row, 1e-6, 1e-6));
  const Tensor changed = encoder->call(from_vector(std::vector<float>{3, 4, 6}, {1, 3}));
  EXPECT_FALSE(testing::all_close(changed.slice(1, 0, 1), short_row.slice(1, 0, 1), 1e-6, 1e-6));  // sees ahead
  auto lm = layers::CausalLM(11, 8, 16, 1, 2, 32, {.attention = "bidirectional"});
  EXPECT_THROW(lm::generate(*lm, {{1, 2}}), ValueError);
  EXPECT_THROW(layers::CausalLM(11, 8, 16, 1, 2, 32, {.attention = "sideways"}), ConfigError);
}

TEST(Pretrain, BadOptionsAreNamed) {
  const lm::TokenWindows train = lm::pack_windows({{1, 2, 3, 4, 5}}, 9, 4);
  auto model = tiny_lm(10, 4);
  EXPECT_THROW(lm::pretrain(*model, train, train, {.epochs = 0}), ValueError);
  EXPECT_THROW(lm::pretrain(*model, train, train, {.batch_size = 0}), ValueError);
  EXPECT_THROW(lm::pretrain(*model, train, train, {.accumulation_steps = 0}), ValueError);
  EXPECT_THROW(lm::pretrain(*model, train, train, {.learning_rate = -1}), ValueError);
  models::Sequential not_lm({layers::Dense(3)});
  EXPECT_THROW(lm::pretrain(not_lm, train, train, {}), ValueError);
}

}  // namespace
}  // namespace deepfin
