// The cross-entropies over a class axis: softmax (dense and sparse targets) on
// logits, and Keras's categorical cross-entropy on probabilities. Each runs one
// fused kernel per row forward and a hand-written kernel backward.
#include <fmt/format.h>

#include "deepfin/ops/elementwise.h"
#include "deepfin/ops/losses.h"
#include "deepfin/ops/reductions.h"
#include "deepfin/ops/shape_ops.h"
#include "kernels/loss_slots.h"
#include "ops/losses_internal.h"

namespace deepfin {
namespace {

using loss_detail::LossArgs;

// Keras's backend epsilon for clipping probabilities.
constexpr double kProbEpsilon = 1e-7;

// An (N, ..., C) input seen as rows of C classes; each sample owns `group` rows
// (the product of the middle axes), and its loss is their mean.
struct RowLayout {
  int64_t samples, rows, classes, group;
};

RowLayout row_layout(const LossArgs& args, const char* what) {
  const Shape& s = args.pred.shape();
  if (s.size() < 2 || s.back() < 1)
    throw ShapeError(fmt::format("{}: {} must be (N, ..., C) with C >= 1, got {} (targets {})", args.name, what,
                                 shape_str(s), shape_str(args.target.shape())));
  int64_t group = 1;
  for (size_t d = 1; d + 1 < s.size(); ++d) group *= s[d];
  return {s[0], s[0] * group, s.back(), group};
}

Tensor sample_means(const Tensor& row_loss, const RowLayout& L) {
  return mean(row_loss.reshape({L.samples, L.group}), {1});
}

// Each sample's gradient scale, divided by its row count and repeated per row.
Tensor row_scales(const Tensor& sample_scale, const RowLayout& L) {
  return (sample_scale * (1.0 / static_cast<double>(L.group)))
      .unsqueeze(1)
      .broadcast_to({L.samples, L.group})
      .contiguous()
      .reshape({L.rows});
}

Tensor buffer_if(bool wanted, const Tensor& like) {
  return wanted ? Tensor::empty(like.shape(), like.dtype()) : Tensor();
}

template <class T>
T* ptr(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

}  // namespace

Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& targets, const Tensor& weights) {
  const LossArgs a = loss_detail::prepare("softmax_cross_entropy", logits, targets, weights, true);
  const RowLayout L = row_layout(a, "logits");
  Tensor row_loss = Tensor::empty({L.rows}, logits.dtype());
  Tensor row_lse = Tensor::empty({L.rows}, logits.dtype());
  dispatch_floating(a.name, logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::softmax_xent_slot<T>().select()(a.pred_data.data<T>(), a.target_data.data<T>(), L.rows, L.classes,
                                             row_loss.data<T>(), row_lse.data<T>());
  });
  Tensor sample_loss = sample_means(row_loss, L);
  return loss_detail::finish(
      a, sample_loss, [x = a.pred_data, y = a.target_data, row_lse, L](const Tensor& scale, bool want_x, bool want_y) {
        Tensor row_scale = row_scales(scale, L);
        Tensor gx = buffer_if(want_x, x), gy = buffer_if(want_y, x);
        dispatch_floating("softmax_cross_entropy", x.dtype(), [&](auto tag) {
          using T = decltype(tag);
          kernels::softmax_xent_backward_slot<T>().select()(x.data<T>(), y.data<T>(), row_lse.data<T>(),
                                                            row_scale.data<T>(), L.rows, L.classes, ptr<T>(gx),
                                                            ptr<T>(gy));
        });
        return std::pair{gx, gy};
      });
}

Tensor sparse_softmax_cross_entropy(const Tensor& logits, const Tensor& labels, const Tensor& weights) {
  const char* name = "sparse_softmax_cross_entropy";
  const LossArgs a = loss_detail::prepare(name, logits, labels, weights, false);
  const RowLayout L = row_layout(a, "logits");
  if (labels.dtype() != DType::int64)
    throw DTypeError(fmt::format("{}: labels must be int64 class ids, got {}", name, dtype_name(labels.dtype())));
  const Shape row_shape(logits.shape().begin(), logits.shape().end() - 1);
  if (labels.shape() != row_shape)
    throw ShapeError(fmt::format("{}: labels {} must have the logits' shape {} without the class axis, i.e. {}", name,
                                 shape_str(labels.shape()), shape_str(logits.shape()), shape_str(row_shape)));
  check_index_range(a.target_data, L.classes, name);
  Tensor row_loss = Tensor::empty({L.rows}, logits.dtype());
  Tensor row_lse = Tensor::empty({L.rows}, logits.dtype());
  dispatch_floating(name, logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::sparse_xent_slot<T>().select()(a.pred_data.data<T>(), a.target_data.data<int64_t>(), L.rows, L.classes,
                                            row_loss.data<T>(), row_lse.data<T>());
  });
  Tensor sample_loss = sample_means(row_loss, L);
  return loss_detail::finish(
      a, sample_loss, [x = a.pred_data, ids = a.target_data, row_lse, L](const Tensor& scale, bool want_x, bool) {
        if (!want_x) return std::pair{Tensor(), Tensor()};
        Tensor row_scale = row_scales(scale, L);
        Tensor gx = Tensor::empty(x.shape(), x.dtype());
        dispatch_floating("sparse_softmax_cross_entropy", x.dtype(), [&](auto tag) {
          using T = decltype(tag);
          kernels::sparse_xent_backward_slot<T>().select()(x.data<T>(), ids.data<int64_t>(), row_lse.data<T>(),
                                                           row_scale.data<T>(), L.rows, L.classes, gx.data<T>());
        });
        return std::pair{gx, Tensor()};
      });
}

Tensor categorical_cross_entropy(const Tensor& probs, const Tensor& targets, const Tensor& weights) {
  const LossArgs a = loss_detail::prepare("categorical_cross_entropy", probs, targets, weights, true);
  const RowLayout L = row_layout(a, "probabilities");
  Tensor row_loss = Tensor::empty({L.rows}, probs.dtype());
  dispatch_floating(a.name, probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::categorical_xent_slot<T>().select()(a.pred_data.data<T>(), a.target_data.data<T>(), L.rows, L.classes,
                                                 T(kProbEpsilon), row_loss.data<T>());
  });
  Tensor sample_loss = sample_means(row_loss, L);
  return loss_detail::finish(
      a, sample_loss, [p = a.pred_data, y = a.target_data, L](const Tensor& scale, bool want_p, bool want_y) {
        Tensor row_scale = row_scales(scale, L);
        Tensor gp = buffer_if(want_p, p), gy = buffer_if(want_y, p);
        dispatch_floating("categorical_cross_entropy", p.dtype(), [&](auto tag) {
          using T = decltype(tag);
          kernels::categorical_xent_backward_slot<T>().select()(p.data<T>(), y.data<T>(), row_scale.data<T>(), L.rows,
                                                                L.classes, T(kProbEpsilon), ptr<T>(gp), ptr<T>(gy));
        });
        return std::pair{gp, gy};
      });
}

}  // namespace deepfin
