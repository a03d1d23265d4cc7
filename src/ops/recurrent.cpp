// deepfin::simple_rnn / lstm / gru: argument checks, then the fused sequence engine
// (recurrent_forward.cpp, recurrent_backward.cpp) recorded as ONE autograd node
// whose output packs [sequence, last_h, (last_c)]; the results are views of it.
#include "deepfin/ops/recurrent.h"

#include <fmt/format.h>

#include "deepfin/autograd/node.h"
#include "ops/recurrent_internal.h"

namespace deepfin {
namespace {

using kernels::RnnActivation;
using kernels::RnnCell;

const char* op_name(RnnCell cell) {
  return cell == RnnCell::lstm ? "lstm" : cell == RnnCell::gru ? "gru" : "simple_rnn";
}

RnnActivation parse_activation(const std::string& name, const char* op, const char* which) {
  if (name == "tanh") return RnnActivation::tanh;
  if (name == "sigmoid") return RnnActivation::sigmoid;
  if (name == "relu") return RnnActivation::relu;
  if (name == "linear" || name.empty()) return RnnActivation::linear;
  throw ValueError(fmt::format("{}: unknown {} '{}'; expected tanh, sigmoid, relu or linear", op, which, name));
}

void expect_shape(const Tensor& t, const Shape& expected, const char* op, const char* what, const Tensor& x) {
  if (t.shape() != expected)
    throw ShapeError(fmt::format("{}: {} has shape {} but x {} needs {}", op, what, shape_str(t.shape()),
                                 shape_str(x.shape()), shape_str(expected)));
}

// Detached contiguous copy in `dt` (masks of any dtype become 0/1 values of dt).
Tensor prepared(const Tensor& t, DType dt) {
  if (!t.defined()) return {};
  return t.detach().to(dt).contiguous();
}

RecurrentResult run(RnnCell cell, const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel,
                    const Tensor& bias, const Tensor& h0, const Tensor& c0, const Tensor& mask,
                    const Tensor& input_dropout, const Tensor& recurrent_dropout, const RecurrentOptions& o) {
  const char* op = op_name(cell);
  if (!x.defined() || x.dim() != 3)
    throw ShapeError(fmt::format("{}: x must be (batch, time, features), got {}", op,
                                 x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor")));
  dispatch_floating(op, x.dtype(), [](auto) {});
  const DType dt = x.dtype();
  for (const auto& [t, what] : {std::pair{&kernel, "kernel"},
                                {&recurrent_kernel, "recurrent_kernel"},
                                {&bias, "bias"},
                                {&h0, "h0"},
                                {&c0, "c0"},
                                {&input_dropout, "input_dropout"},
                                {&recurrent_dropout, "recurrent_dropout"}})
    if (t->defined() && t->dtype() != dt)
      throw DTypeError(fmt::format("{}: {} is {} but x is {}", op, what, dtype_name(t->dtype()), dtype_name(dt)));
  if (!kernel.defined() || !recurrent_kernel.defined() || kernel.dim() != 2 || recurrent_kernel.dim() != 2)
    throw ShapeError(
        fmt::format("{}: kernel and recurrent_kernel must be 2-D (features, G*units) and (units, G*units)", op));
  detail::SequenceSpec s;
  s.cell = cell;
  s.batch = x.size(0);
  s.time = x.size(1);
  s.features = x.size(2);
  s.units = recurrent_kernel.size(0);
  s.activation = parse_activation(o.activation, op, "activation");
  s.recurrent_activation = parse_activation(o.recurrent_activation, op, "recurrent_activation");
  s.go_backwards = o.go_backwards;
  const int64_t N = s.batch, T = s.time, U = s.units, GU = s.gates() * U;
  if (U <= 0)
    throw ShapeError(fmt::format("{}: recurrent_kernel {} has no units", op, shape_str(recurrent_kernel.shape())));
  if (T <= 0) throw ShapeError(fmt::format("{}: x {} has no timesteps", op, shape_str(x.shape())));
  expect_shape(kernel, {s.features, GU}, op, "kernel", x);
  if (recurrent_kernel.shape() != Shape{U, GU})
    throw ShapeError(fmt::format("{}: recurrent_kernel has shape {}, expected (units, {} * units) = {}", op,
                                 shape_str(recurrent_kernel.shape()), s.gates(), shape_str({U, GU})));
  if (bias.defined()) {
    const Shape want = cell == RnnCell::gru ? Shape{2, GU} : Shape{GU};
    if (bias.shape() != want)
      throw ShapeError(fmt::format("{}: bias has shape {}, expected {}", op, shape_str(bias.shape()), shape_str(want)));
  }
  if (h0.defined()) expect_shape(h0, {N, U}, op, "h0", x);
  if (c0.defined()) expect_shape(c0, {N, U}, op, "c0", x);
  if (mask.defined()) expect_shape(mask, {N, T}, op, "mask", x);
  if (input_dropout.defined()) expect_shape(input_dropout, {N, s.features}, op, "input_dropout", x);
  if (recurrent_dropout.defined()) expect_shape(recurrent_dropout, {N, U}, op, "recurrent_dropout", x);

  detail::SequenceInputs in{prepared(x, dt),
                            prepared(kernel, dt),
                            prepared(recurrent_kernel, dt),
                            prepared(bias, dt),
                            prepared(h0, dt),
                            prepared(c0, dt),
                            prepared(mask, dt),
                            prepared(input_dropout, dt),
                            prepared(recurrent_dropout, dt)};
  std::vector<Tensor> inputs{x, kernel, recurrent_kernel, bias, h0};
  if (cell == RnnCell::lstm) inputs.push_back(c0);
  const bool record_graph = any_requires_grad(inputs);
  auto tape = record_graph ? std::make_shared<detail::SequenceTape>() : nullptr;
  Tensor packed = detail::run_sequence_forward(s, in, tape.get());
  if (record_graph) {
    std::vector<bool> wanted;
    for (const Tensor& t : inputs) wanted.push_back(t.defined() && t.requires_grad());
    packed = record(op, packed, inputs,
                    [tape, wanted](const Tensor& g) { return detail::run_sequence_backward(*tape, g, wanted); });
  }
  RecurrentResult r;
  r.sequence = packed.slice(1, 0, T);
  r.last_h = packed.select(1, T);
  if (cell == RnnCell::lstm) r.last_c = packed.select(1, T + 1);
  return r;
}

}  // namespace

RecurrentResult simple_rnn(const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias,
                           const Tensor& h0, const Tensor& mask, const Tensor& input_dropout,
                           const Tensor& recurrent_dropout, const RecurrentOptions& o) {
  return run(RnnCell::simple, x, kernel, recurrent_kernel, bias, h0, {}, mask, input_dropout, recurrent_dropout, o);
}

RecurrentResult lstm(const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias,
                     const Tensor& h0, const Tensor& c0, const Tensor& mask, const Tensor& input_dropout,
                     const Tensor& recurrent_dropout, const RecurrentOptions& o) {
  return run(RnnCell::lstm, x, kernel, recurrent_kernel, bias, h0, c0, mask, input_dropout, recurrent_dropout, o);
}

RecurrentResult gru(const Tensor& x, const Tensor& kernel, const Tensor& recurrent_kernel, const Tensor& bias,
                    const Tensor& h0, const Tensor& mask, const Tensor& input_dropout, const Tensor& recurrent_dropout,
                    const RecurrentOptions& o) {
  return run(RnnCell::gru, x, kernel, recurrent_kernel, bias, h0, {}, mask, input_dropout, recurrent_dropout, o);
}

}  // namespace deepfin
