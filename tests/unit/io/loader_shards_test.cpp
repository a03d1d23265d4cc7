// BatchLoader shards (data-parallel training) and starting an epoch mid-way
// (a resumed run): the shards of a batch are the rows of one process's batch,
// in order, for any number of shards.
#include <gtest/gtest.h>

#include "deepfin/data/loader.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

Tensor ids(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return from_vector(v, {n});
}

// Every batch of one epoch, as lists of sample ids.
std::vector<std::vector<int64_t>> epoch(int64_t n, int64_t batch, int shard, int shards, uint64_t seed,
                                        int64_t first = 0, bool prefetch = true) {
  Generator gen(seed);
  data::BatchLoader loader(
      ids(n), ids(n), {.batch_size = batch, .generator = &gen, .prefetch = prefetch, .shard = shard, .shards = shards});
  loader.start_epoch(first);
  std::vector<std::vector<int64_t>> out;
  while (auto b = loader.next()) {
    EXPECT_EQ(b->whole, std::min(batch, n - b->index * batch));
    out.push_back(b->x.to_vector<int64_t>());
  }
  return out;
}

TEST(BatchLoaderShards, ShardsTogetherAreTheBatchesOfOneProcess) {
  for (int shards : {2, 3, 4, 7}) {
    for (bool prefetch : {true, false}) {
      const auto whole = epoch(50, 8, 0, 1, 5, 0, prefetch);
      std::vector<std::vector<std::vector<int64_t>>> parts;
      for (int s = 0; s < shards; ++s) parts.push_back(epoch(50, 8, s, shards, 5, 0, prefetch));
      for (size_t b = 0; b < whole.size(); ++b) {
        std::vector<int64_t> joined;
        for (int s = 0; s < shards; ++s) {
          ASSERT_EQ(parts[static_cast<size_t>(s)].size(), whole.size()) << "every shard has every batch";
          const auto& p = parts[static_cast<size_t>(s)][b];
          joined.insert(joined.end(), p.begin(), p.end());
        }
        EXPECT_EQ(joined, whole[b]) << shards << " shards, batch " << b;
      }
    }
  }
}

TEST(BatchLoaderShards, ABatchSmallerThanTheShardsLeavesSomeEmpty) {
  const auto a = epoch(9, 4, 0, 3, 1), b = epoch(9, 4, 1, 3, 1), c = epoch(9, 4, 2, 3, 1);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].size() + b[2].size() + c[2].size(), 1u);  // the last batch has one row
}

TEST(BatchLoaderShards, AnEpochStartedMidWayHasTheRemainingBatches) {
  const auto whole = epoch(40, 6, 0, 1, 9);
  const auto rest = epoch(40, 6, 0, 1, 9, 4);
  ASSERT_EQ(rest.size(), whole.size() - 4);
  for (size_t b = 0; b < rest.size(); ++b) EXPECT_EQ(rest[b], whole[b + 4]);
  EXPECT_TRUE(epoch(40, 6, 0, 1, 9, 7).empty());  // all 7 batches done
}

TEST(BatchLoaderShards, BadShardsAndStartsAreNamed) {
  EXPECT_TRUE(testing::throws_with<ValueError>([] { data::BatchLoader l(ids(4), Tensor(), {.shard = 2, .shards = 2}); },
                                               {"shard 2 of 2"}));
  data::BatchLoader loader(ids(4), Tensor(), {.batch_size = 2});
  EXPECT_TRUE(testing::throws_with<ValueError>([&] { loader.start_epoch(3); }, {"outside the epoch's 2 batches"}));
}

}  // namespace
}  // namespace deepfin
