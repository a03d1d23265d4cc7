// Metric states merged across processes: a metric that saw half the data,
// merged with one that saw the other half, reports what one metric that saw
// everything reports. A state of the wrong shape is refused.
#include <gtest/gtest.h>

#include "deepfin/deepfin.h"
#include "deepfin/metrics/registry.h"

namespace deepfin {
namespace {

TEST(MetricMergeState, TwoHalvesMergeToTheWhole) {
  Generator gen(3);
  std::vector<float> truth, pred, weight;
  for (int i = 0; i < 60; ++i) {
    truth.push_back(gen.uniform01() < 0.4 ? 1.f : 0.f);
    pred.push_back(static_cast<float>(gen.uniform01()));
    weight.push_back(static_cast<float>(0.5 + gen.uniform01()));
  }
  const Tensor y = from_vector(truth, {60, 1}), p = from_vector(pred, {60, 1}), w = from_vector(weight, {60});
  for (const std::string name : {"accuracy", "auc", "precision", "recall", "mse", "mae"}) {
    SCOPED_TRACE(name);
    auto make = [&] { return metrics::get(name, "binary_crossentropy", {1}); };
    auto whole = make(), first = make(), second = make();
    whole->update_state(y, p, w);
    first->update_state(y.slice(0, 0, 25), p.slice(0, 0, 25), w.slice(0, 0, 25));
    second->update_state(y.slice(0, 25, 60), p.slice(0, 25, 60), w.slice(0, 25, 60));
    first->merge_state(second->state());
    EXPECT_NEAR(first->result(), whole->result(), 1e-12);
    EXPECT_NE(whole->result(), 0.0);
  }
}

TEST(MetricMergeState, AStateOfAnotherShapeIsRefused) {
  auto accuracy = metrics::get("accuracy", "binary_crossentropy", {1}), auc = metrics::get("auc");
  EXPECT_THROW(accuracy->merge_state({1.0, 2.0, 3.0}), ValueError);
  EXPECT_THROW(auc->merge_state({0.5, 1.0}), ValueError);
  EXPECT_THROW(metrics::get("precision")->merge_state({1.0}), ValueError);
}

}  // namespace
}  // namespace deepfin
