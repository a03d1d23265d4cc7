// Fused recurrent ops (SimpleRNN, LSTM, GRU): the hand-written backward through
// time against central differences in float64, for every differentiable input
// (x, kernel, recurrent kernel, bias, h0, c0) and every output (the sequence,
// last_h and last_c all feed the checked sum), with masks, dropout masks,
// go_backwards and each activation.
#include "deepfin/ops/recurrent.h"
#include "deepfin/ops/shape_ops.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using deepfin::RecurrentOptions;
using testing::gradcheck;
using testing::random_double;

enum class Kind { rnn, lstm, gru };

struct RecurrentCase {
  Kind kind;
  int64_t N = 2, T = 4, F = 3, U = 3;
  bool mask = false, dropout = false;
  RecurrentOptions options{};
};

int64_t gates(Kind k) {
  return k == Kind::lstm ? 4 : k == Kind::gru ? 3 : 1;
}

// All outputs flattened side by side, so the checked sum sees each of them.
Tensor packed_outputs(const deepfin::RecurrentResult& r, int64_t N) {
  std::vector<Tensor> parts{r.sequence.reshape({N, -1}), r.last_h};
  if (r.last_c.defined()) parts.push_back(r.last_c);
  return concat(parts, 1);
}

void check_recurrent(const RecurrentCase& c) {
  Generator gen(17 + static_cast<int>(c.kind) * 5 + c.U);
  const int64_t G = gates(c.kind);
  std::vector<Tensor> inputs{random_double({c.N, c.T, c.F}, gen), random_double({c.F, G * c.U}, gen, -0.7, 0.7),
                             random_double({c.U, G * c.U}, gen, -0.7, 0.7),
                             random_double(c.kind == Kind::gru ? Shape{2, G * c.U} : Shape{G * c.U}, gen),
                             random_double({c.N, c.U}, gen)};
  if (c.kind == Kind::lstm) inputs.push_back(random_double({c.N, c.U}, gen));
  Tensor mask, in_drop, rec_drop;
  if (c.mask) {  // row 0: a masked step in the middle and at the end; row 1: the first step masked
    std::vector<double> m(static_cast<size_t>(c.N * c.T), 1.0);
    m[1] = 0.0;
    m[c.T - 1] = 0.0;
    if (c.N > 1) m[c.T] = 0.0;
    mask = from_vector(m, {c.N, c.T});
  }
  if (c.dropout) {
    in_drop = random_double({c.N, c.F}, gen, 0.0, 2.0);
    rec_drop = random_double({c.N, c.U}, gen, 0.0, 2.0);
    in_drop.set(std::vector<int64_t>{0, 0}, 0.0);
    rec_drop.set(std::vector<int64_t>{0, 1}, 0.0);
  }
  auto f = [&](const std::vector<Tensor>& in) {
    switch (c.kind) {
      case Kind::rnn:
        return packed_outputs(
            deepfin::simple_rnn(in[0], in[1], in[2], in[3], in[4], mask, in_drop, rec_drop, c.options), c.N);
      case Kind::lstm:
        return packed_outputs(
            deepfin::lstm(in[0], in[1], in[2], in[3], in[4], in[5], mask, in_drop, rec_drop, c.options), c.N);
      case Kind::gru:
        break;
    }
    return packed_outputs(deepfin::gru(in[0], in[1], in[2], in[3], in[4], mask, in_drop, rec_drop, c.options), c.N);
  };
  EXPECT_TRUE(gradcheck(f, inputs));
}

class GradcheckRecurrent : public ::testing::TestWithParam<Kind> {};

TEST_P(GradcheckRecurrent, Plain) {
  check_recurrent({.kind = GetParam()});
}
TEST_P(GradcheckRecurrent, Masked) {
  check_recurrent({.kind = GetParam(), .mask = true});
}
TEST_P(GradcheckRecurrent, DropoutMasks) {
  check_recurrent({.kind = GetParam(), .dropout = true});
}
TEST_P(GradcheckRecurrent, GoBackwardsMaskedWithDropout) {
  check_recurrent({.kind = GetParam(), .mask = true, .dropout = true, .options = {.go_backwards = true}});
}
TEST_P(GradcheckRecurrent, OddSizesSingleStep) {
  check_recurrent({.kind = GetParam(), .N = 1, .T = 1, .F = 2, .U = 5});
}
TEST_P(GradcheckRecurrent, OtherActivations) {
  check_recurrent({.kind = GetParam(), .options = {.activation = "sigmoid", .recurrent_activation = "tanh"}});
  check_recurrent({.kind = GetParam(), .options = {.activation = "linear", .recurrent_activation = "sigmoid"}});
}

INSTANTIATE_TEST_SUITE_P(Ops, GradcheckRecurrent, ::testing::Values(Kind::rnn, Kind::lstm, Kind::gru),
                         [](const ::testing::TestParamInfo<Kind>& i) {
                           return std::string(i.param == Kind::rnn    ? "SimpleRNN"
                                              : i.param == Kind::lstm ? "LSTM"
                                                                      : "GRU");
                         });

TEST(GradcheckRecurrentRelu, SimpleRnnReluAwayFromKinks) {
  // relu is not differentiable at 0; random pre-activations stay clear of it almost surely.
  check_recurrent({.kind = Kind::rnn, .options = {.activation = "relu"}});
}

TEST(GradcheckRecurrentNoBias, LstmAndGruWithoutBias) {
  Generator gen(5);
  const Tensor x = random_double({2, 3, 2}, gen);
  auto lstm_f = [](const std::vector<Tensor>& in) {
    return packed_outputs(deepfin::lstm(in[0], in[1], in[2], Tensor()), 2);
  };
  EXPECT_TRUE(gradcheck(lstm_f, {x, random_double({2, 8}, gen), random_double({2, 8}, gen)}));
  auto gru_f = [](const std::vector<Tensor>& in) {
    return packed_outputs(deepfin::gru(in[0], in[1], in[2], Tensor()), 2);
  };
  EXPECT_TRUE(gradcheck(gru_f, {x, random_double({2, 6}, gen), random_double({2, 6}, gen)}));
}

}  // namespace
}  // namespace deepfin
