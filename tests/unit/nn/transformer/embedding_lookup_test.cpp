// embedding_lookup: rows by hand, its in-place backward into a leaf table's
// .grad against deepfin::embedding's dense gradient (repeated ids, an existing
// gradient to add to, none yet, a non-leaf table), and clear errors.
#include "deepfin/ops/embedding_lookup.h"

#include <gtest/gtest.h>

#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/reductions.h"
#include "deepfin/ops/shape_ops.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;

TEST(EmbeddingLookup, RowsByHand) {
  const Tensor table = from_vector(std::vector<double>{0, 1, 10, 11, 20, 21}, {3, 2});
  const Tensor ids = from_vector(std::vector<int64_t>{2, 0, 2, 1}, {2, 2});
  const Tensor out = embedding_lookup(table, ids);
  EXPECT_EQ(out.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(out.to_vector<double>(), (std::vector<double>{20, 21, 0, 1, 20, 21, 10, 11}));
}

// The gradient of sum(lookup(table, ids) * R) by the in-place path and by the dense one.
TEST(EmbeddingLookup, InPlaceGradientMatchesTheDenseOne) {
  Generator gen(4);
  for (DType dt : {DType::float32, DType::float64}) {
    const Tensor values = random_double({50, 8}, gen).to(dt);
    std::vector<int64_t> id_values(3 * 40);
    for (size_t i = 0; i < id_values.size(); ++i) id_values[i] = static_cast<int64_t>((i * 7) % 13);  // repeats
    const Tensor ids = from_vector(id_values, {3, 40});
    const Tensor R = random_double({3, 40, 8}, gen).to(dt);

    Tensor dense_table = values.clone().set_requires_grad(true);
    sum(embedding(dense_table, ids) * R).backward();

    Tensor table = values.clone().set_requires_grad(true);
    sum(embedding_lookup(table, ids) * R).backward();  // no .grad yet: created
    EXPECT_TRUE(all_close(table.grad(), dense_table.grad(), 1e-6, 1e-6)) << dtype_name(dt);
    sum(embedding_lookup(table, ids) * R).backward();  // adds to the existing .grad
    EXPECT_TRUE(all_close(table.grad(), dense_table.grad() * 2.0, 1e-6, 1e-6)) << dtype_name(dt);
    // Rows no id names get nothing.
    EXPECT_EQ(table.grad().slice(0, 13, 50).to_vector<double>(), std::vector<double>(37 * 8, 0.0));
  }
}

TEST(EmbeddingLookup, NonLeafTableGetsTheDenseGradient) {
  Generator gen(5);
  Tensor base = random_double({6, 3}, gen).set_requires_grad(true);
  const Tensor ids = from_vector(std::vector<int64_t>{1, 1, 4}, {3});
  sum(embedding_lookup(base * 3.0, ids)).backward();
  std::vector<double> want(18, 0.0);
  for (int c = 0; c < 3; ++c) {
    want[1 * 3 + c] = 6.0;  // id 1 twice, times 3
    want[4 * 3 + c] = 3.0;
  }
  EXPECT_EQ(base.grad().to_vector<double>(), want);
}

TEST(EmbeddingLookup, Gradcheck) {
  Generator gen(6);
  const Tensor ids = from_vector(std::vector<int64_t>{3, 0, 3, 2, 1, 3}, {2, 3});
  auto f = [&](const std::vector<Tensor>& in) { return embedding_lookup(in[0], ids); };
  EXPECT_TRUE(testing::gradcheck(f, {random_double({4, 5}, gen)}));
}

TEST(EmbeddingLookup, ClearErrors) {
  const Tensor table = zeros({4, 2});
  try {
    embedding_lookup(table, from_vector(std::vector<int64_t>{1, 4}, {2}));
    FAIL() << "no IndexError";
  } catch (const IndexError& e) {
    EXPECT_STREQ(e.what(), "embedding_lookup: index 4 at position [1] is out of range [0, 4)");
  }
  EXPECT_THROW(embedding_lookup(zeros({4}), from_vector(std::vector<int64_t>{1}, {1})), ShapeError);
  EXPECT_THROW(embedding_lookup(table, zeros({2})), DTypeError);
}

}  // namespace
}  // namespace deepfin
