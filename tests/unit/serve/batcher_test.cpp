// serve::Batcher alone, with a scorer that records its batches: every caller
// gets its own answer under heavy concurrency, batches respect max_batch and
// never mix scorers, and a failing request fails alone. (A use-after-free in the
// hand-off of the lead once crashed the server under wrk; this test did not catch
// it even under ASan, because it needs a preemption inside a few instructions.)
#include "deepfin/serve/batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "deepfin/serve/request_error.h"

namespace {

using deepfin::serve::Batcher;
using deepfin::serve::Instances;

struct Numbers : Instances {
  std::vector<int> values;
};

// Answers each request with its values doubled; a value of -1 makes the whole batch throw.
class Doubler : public deepfin::serve::Scorer {
 public:
  std::string kind() const override { return "test"; }
  std::unique_ptr<Instances> parse(const nlohmann::json&) const override { return nullptr; }
  nlohmann::json schema() const override { return nullptr; }
  nlohmann::json example() const override { return nullptr; }
  const deepfin::models::Model& model() const override { throw deepfin::ValueError("no model"); }
  std::vector<nlohmann::json> score(const std::vector<const Instances*>& batch) const override {
    int64_t rows = 0;
    std::vector<nlohmann::json> out;
    for (const Instances* i : batch) {
      rows += i->rows;
      nlohmann::json doubled = nlohmann::json::array();
      for (int v : static_cast<const Numbers*>(i)->values) {
        if (v == -1) throw deepfin::ValueError("-1 is not a number this scorer takes");
        doubled.push_back(2 * v);
      }
      out.push_back(doubled);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(work_us));  // time for others to queue up
    std::lock_guard lock(mutex);
    largest = std::max(largest, rows);
    ++batches;
    return out;
  }
  int64_t work_us = 50;
  mutable std::mutex mutex;
  mutable int64_t largest = 0, batches = 0;
};

Numbers numbers(std::vector<int> values) {
  Numbers n;
  n.values = std::move(values);
  n.rows = static_cast<int64_t>(n.values.size());
  return n;
}

TEST(Batcher, EveryCallerGetsItsOwnAnswerUnderHeavyConcurrency) {
  auto scorer = std::make_shared<Doubler>();
  std::shared_ptr<const deepfin::serve::Scorer> shared = scorer;
  Batcher batcher({.max_batch = 8, .max_delay_us = 0, .max_queue = 1000});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const Numbers n = numbers({t, i, t * 1000 + i});
        const nlohmann::json answer = batcher.run(shared, n);
        if (answer != nlohmann::json({2 * t, 2 * i, 2 * (t * 1000 + i)})) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(scorer->largest, 8 + 2);     // rows per batch: max_batch, or one request past it only when alone
  EXPECT_LT(scorer->batches, 32 * 300);  // requests did share batches
  EXPECT_EQ(batcher.queue_depth(), 0);
}

TEST(Batcher, ARequestLargerThanMaxBatchIsScoredAlone) {
  auto scorer = std::make_shared<Doubler>();
  Batcher batcher({.max_batch = 2, .max_delay_us = 0, .max_queue = 10});
  EXPECT_EQ(batcher.run(scorer, numbers({1, 2, 3, 4, 5})), nlohmann::json({2, 4, 6, 8, 10}));
  EXPECT_EQ(scorer->largest, 5);
}

TEST(Batcher, AFailingRequestFailsAloneAndOthersInItsBatchAreAnswered) {
  auto scorer = std::make_shared<Doubler>();
  std::shared_ptr<const deepfin::serve::Scorer> shared = scorer;
  // A long delay gathers the four requests into one batch, which throws and is rescored one by one.
  Batcher batcher({.max_batch = 4, .max_delay_us = 2'000'000, .max_queue = 10});
  std::vector<nlohmann::json> answers(4);
  std::vector<std::string> errors(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      try {
        answers[t] = batcher.run(shared, numbers({t == 2 ? -1 : t}));
      } catch (const deepfin::ValueError& e) {
        errors[t] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  for (int t = 0; t < 4; ++t) {
    if (t == 2) {
      EXPECT_NE(errors[t].find("-1 is not a number"), std::string::npos);
    } else {
      EXPECT_EQ(answers[t], nlohmann::json({2 * t})) << errors[t];
    }
  }
}

TEST(Batcher, RequestsForDifferentScorersNeverShareABatch) {
  auto a = std::make_shared<Doubler>(), b = std::make_shared<Doubler>();
  Batcher batcher({.max_batch = 64, .max_delay_us = 0, .max_queue = 1000});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      std::shared_ptr<const deepfin::serve::Scorer> mine = t % 2 ? a : b;
      for (int i = 0; i < 200; ++i) EXPECT_EQ(batcher.run(mine, numbers({i})), nlohmann::json({2 * i}));
    });
  for (auto& t : threads) t.join();
  EXPECT_GT(a->batches, 0);
  EXPECT_GT(b->batches, 0);
}

TEST(Batcher, BadOptionsAreRefused) {
  EXPECT_THROW(Batcher({.max_batch = 0}), deepfin::ValueError);
  EXPECT_THROW(Batcher({.max_batch = 1, .max_delay_us = -1}), deepfin::ValueError);
  EXPECT_THROW(Batcher({.max_batch = 1, .max_delay_us = 0, .max_queue = 0}), deepfin::ValueError);
}

}  // namespace
