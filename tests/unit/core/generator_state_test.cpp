// Generator::state / set_state: a restored generator draws exactly what the
// original draws next, including a pending Box-Muller normal.
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"

namespace deepfin {
namespace {

TEST(GeneratorState, ARestoredGeneratorDrawsTheSame) {
  Generator a(11);
  for (int i = 0; i < 5; ++i) a.next_u64();
  a.normal();  // leaves the second normal of the pair pending
  const std::string saved = a.state();
  Generator b(999);
  b.set_state(saved);
  EXPECT_EQ(b.initial_seed(), 11u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.normal(), b.normal());  // the pending one first
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  EXPECT_EQ(a.state(), b.state());
}

TEST(GeneratorState, TextItDidNotWriteIsRefused) {
  Generator g(1);
  const std::string before = g.state();
  EXPECT_THROW(g.set_state("not a state"), ValueError);
  EXPECT_THROW(g.set_state(before + " 12"), ValueError);
  EXPECT_THROW(g.set_state(before.substr(0, before.size() / 2)), ValueError);
  EXPECT_EQ(g.state(), before);  // unchanged by a failed restore
}

}  // namespace
}  // namespace deepfin
