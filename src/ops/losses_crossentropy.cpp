// The cross-entropies over a class axis: softmax (dense and sparse targets) on
// logits, and Keras's categorical cross-entropy on probabilities. Each runs one
// fused kernel per row forward and a hand-written kernel backward.
#include <fmt/format.h>

#include "deepfin/ops/losses.h"
#include "deepfin/ops/shape_ops.h"
#include "kernels/misc_slots.h"
#include "ops/losses_internal.h"

namespace deepfin {
namespace {

using loss_detail::LossArgs;

// Keras's backend epsilon for clipping probabilities.
constexpr double kProbEpsilon = 1e-7;

struct RowLayout {
  int64_t rows, classes, group;  // group: rows per sample
};

RowLayout row_layout(const Shape& shape) {
  const int64_t classes = shape.back();
  const int64_t group = loss_detail::rows_per_sample(shape);
  return {shape[0] * group, classes, group};
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
  loss_detail::check_class_axis(a, "logits");
  const RowLayout L = row_layout(logits.shape());
  Tensor row_loss = Tensor::empty({L.rows}, logits.dtype());
  Tensor row_lse = Tensor::empty({L.rows}, logits.dtype());
  dispatch_floating(a.name, logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::softmax_xent_slot<T>().select()(a.pred_data.data<T>(), a.target_data.data<T>(), L.rows, L.classes,
                                             row_loss.data<T>(), row_lse.data<T>());
  });
  Tensor sample_loss = loss_detail::mean_groups(row_loss, a.samples, L.group);
  return loss_detail::finish(
      a, sample_loss, [x = a.pred_data, y = a.target_data, row_lse, L](const Tensor& scale, bool want_x, bool want_y) {
        Tensor row_scale = loss_detail::spread_groups(scale, L.group);
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
  loss_detail::check_class_axis(a, "logits");
  if (labels.dtype() != DType::int64)
    throw DTypeError(fmt::format("{}: labels must be int64 class ids, got {}", name, dtype_name(labels.dtype())));
  const Shape row_shape(logits.shape().begin(), logits.shape().end() - 1);
  if (labels.shape() != row_shape)
    throw ShapeError(fmt::format("{}: labels {} must have the logits' shape {} without the class axis, i.e. {}", name,
                                 shape_str(labels.shape()), shape_str(logits.shape()), shape_str(row_shape)));
  const RowLayout L = row_layout(logits.shape());
  check_index_range(a.target_data, L.classes, name);
  Tensor row_loss = Tensor::empty({L.rows}, logits.dtype());
  Tensor row_lse = Tensor::empty({L.rows}, logits.dtype());
  dispatch_floating(name, logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::sparse_xent_slot<T>().select()(a.pred_data.data<T>(), a.target_data.data<int64_t>(), L.rows, L.classes,
                                            row_loss.data<T>(), row_lse.data<T>());
  });
  Tensor sample_loss = loss_detail::mean_groups(row_loss, a.samples, L.group);
  return loss_detail::finish(
      a, sample_loss, [x = a.pred_data, ids = a.target_data, row_lse, L](const Tensor& scale, bool want_x, bool) {
        if (!want_x) return std::pair{Tensor(), Tensor()};
        Tensor row_scale = loss_detail::spread_groups(scale, L.group);
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
  loss_detail::check_class_axis(a, "probabilities");
  const RowLayout L = row_layout(probs.shape());
  Tensor row_loss = Tensor::empty({L.rows}, probs.dtype());
  dispatch_floating(a.name, probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::categorical_xent_slot<T>().select()(a.pred_data.data<T>(), a.target_data.data<T>(), L.rows, L.classes,
                                                 T(kProbEpsilon), row_loss.data<T>());
  });
  Tensor sample_loss = loss_detail::mean_groups(row_loss, a.samples, L.group);
  return loss_detail::finish(
      a, sample_loss, [p = a.pred_data, y = a.target_data, L](const Tensor& scale, bool want_p, bool want_y) {
        Tensor row_scale = loss_detail::spread_groups(scale, L.group);
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
