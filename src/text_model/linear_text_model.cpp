// The linear text model over LIBLINEAR: rows are handed to it as its feature_node
// lists (1-based columns, a bias column last, -1 terminated); the trained weights
// are read back through its accessors into a (features, classes) tensor.
#include "deepfin/text_model/linear_text_model.h"

#include <fmt/format.h>
#include <linear.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/stratified.h"

namespace deepfin::text_model {
namespace {

void silent(const char*) {}

// LIBLINEAR's rows of `x`, with a constant-1 column after the last feature for the bias.
struct LiblinearRows {
  std::vector<feature_node> nodes;
  std::vector<feature_node*> rows;
};

LiblinearRows liblinear_rows(const text::SparseRows& x) {
  LiblinearRows out;
  out.nodes.reserve(x.indices.size() + 2 * static_cast<size_t>(x.rows()));
  std::vector<size_t> starts;
  const int bias_column = static_cast<int>(x.columns) + 1;
  for (int64_t i = 0; i < x.rows(); ++i) {
    starts.push_back(out.nodes.size());
    for (int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k)
      out.nodes.push_back({x.indices[static_cast<size_t>(k)] + 1, x.values[static_cast<size_t>(k)]});
    out.nodes.push_back({bias_column, 1.0});
    out.nodes.push_back({-1, 0.0});
  }
  for (size_t s : starts) out.rows.push_back(out.nodes.data() + s);
  return out;
}

// ValueError unless x is well formed: offsets rising from 0 to the entry count and
// every column inside [0, columns), with columns inside LIBLINEAR's int range.
void check_rows(const text::SparseRows& x) {
  const auto entries = static_cast<int64_t>(x.indices.size());
  if (x.offsets.empty() || x.offsets.front() != 0 || x.offsets.back() != entries ||
      x.values.size() != x.indices.size() || x.columns < 0 || x.columns >= INT_MAX - 1)
    throw ValueError("linear text model: malformed sparse rows (offsets, entries or column count)");
  for (size_t i = 1; i < x.offsets.size(); ++i)
    if (x.offsets[i] < x.offsets[i - 1])
      throw ValueError(fmt::format("linear text model: row {} ends before it starts", i - 1));
  for (const int32_t column : x.indices)
    if (column < 0 || column >= x.columns)
      throw ValueError(fmt::format("linear text model: column {} is outside [0, {})", column, x.columns));
}

struct ModelDeleter {
  void operator()(model* m) const { free_and_destroy_model(&m); }
};
using Trained = std::unique_ptr<model, ModelDeleter>;

std::vector<int64_t> every_row(int64_t n) {
  std::vector<int64_t> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = i;
  return out;
}

// The one-vs-rest SVMs of the rows `subset`, at inverse regularization c.
Trained train_on(const LiblinearRows& rows, const std::vector<int64_t>& y, const std::vector<int64_t>& subset,
                 int64_t columns, double c, double tolerance) {
  std::vector<feature_node*> x;
  std::vector<double> labels;
  for (int64_t r : subset) {
    x.push_back(rows.rows[static_cast<size_t>(r)]);
    labels.push_back(static_cast<double>(y[static_cast<size_t>(r)]));
  }
  problem prob{};
  prob.l = static_cast<int>(subset.size());
  prob.n = static_cast<int>(columns) + 1;
  prob.y = labels.data();
  prob.x = x.data();
  prob.bias = 1.0;
  parameter param{};
  param.solver_type = L2R_L2LOSS_SVC_DUAL;
  param.eps = tolerance;
  param.C = c;
  if (const char* error = check_parameter(&prob, &param)) throw ValueError(fmt::format("linear text model: {}", error));
  // LIBLINEAR visits the dual coordinates in an order drawn from rand(): seeding it
  // here makes each fit depend on its rows alone, not on the fits before it.
  std::srand(1);
  Trained out(::train(&prob, &param));
  if (!out) throw ValueError("linear text model: LIBLINEAR could not train");
  return out;
}

}  // namespace

LinearTextModel::LinearTextModel(Tensor weights, Tensor bias, double c)
    : weights_(weights.to(DType::float32).contiguous()), bias_(bias.to(DType::float32).contiguous()), c_(c) {
  if (weights_.dim() != 2 || bias_.dim() != 1 || bias_.size(0) != weights_.size(1) || weights_.size(1) < 2)
    throw ValueError(fmt::format("linear text model: weights {} and bias {} do not fit (features, classes >= 2)",
                                 shape_str(weights_.shape()), shape_str(bias_.shape())));
  for (const Tensor* t : {&weights_, &bias_}) {
    const float* v = t->data<float>();
    for (int64_t i = 0; i < t->numel(); ++i)
      if (!std::isfinite(v[i]))
        throw ValueError(
            fmt::format("linear text model: {} element {} is {}", t == &bias_ ? "bias" : "weight", i, v[i]));
  }
}

LinearTextModel LinearTextModel::fit(const text::SparseRows& x, const std::vector<int64_t>& y, int64_t classes,
                                     const LinearTextOptions& options) {
  if (classes < 2) throw ValueError(fmt::format("linear text model: needs at least two classes, got {}", classes));
  check_rows(x);
  if (static_cast<int64_t>(y.size()) != x.rows())
    throw ValueError(fmt::format("linear text model: {} labels for {} rows", y.size(), x.rows()));
  std::vector<int64_t> count(static_cast<size_t>(classes), 0);
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] < 0 || y[i] >= classes)
      throw ValueError(fmt::format("linear text model: label {} of row {} is outside [0, {})", y[i], i, classes));
    ++count[static_cast<size_t>(y[i])];
  }
  for (int64_t k = 0; k < classes; ++k)
    if (count[static_cast<size_t>(k)] == 0)
      throw ValueError(fmt::format("linear text model: class {} has no training row", k));
  if (options.c < 0 || options.cv_folds < 2 || !(options.tolerance > 0))
    throw ValueError("linear text model: needs c >= 0, cv_folds >= 2 and tolerance > 0");

  static std::once_flag quiet;
  std::call_once(quiet, [] { set_print_string_function(&silent); });
  const LiblinearRows rows = liblinear_rows(x);
  const std::vector<int64_t> all = every_row(x.rows());
  double c = options.c > 0 ? options.c : 1.0;
  if (options.c == 0 && *std::min_element(count.begin(), count.end()) >= options.cv_folds) {
    const auto folds = data::stratified_kfold(y, static_cast<int>(options.cv_folds), options.seed);
    int64_t best = -1;
    for (const double candidate : {0.125, 0.5, 2.0, 8.0}) {
      int64_t right = 0;
      for (const auto& fold : folds) {
        const auto trained = train_on(rows, y, fold.train, x.columns, candidate, options.tolerance);
        for (int64_t r : fold.test)
          right += static_cast<int64_t>(::predict(trained.get(), rows.rows[static_cast<size_t>(r)])) ==
                           y[static_cast<size_t>(r)]
                       ? 1
                       : 0;
      }
      if (right > best) {
        best = right;
        c = candidate;
      }
    }
  }
  const auto trained = train_on(rows, y, all, x.columns, c, options.tolerance);

  // LIBLINEAR numbers classes in the order it met them: map them back to 0..classes-1.
  std::vector<int> order(static_cast<size_t>(get_nr_class(trained.get())));
  get_labels(trained.get(), order.data());
  Tensor weights = zeros({x.columns, classes});
  Tensor bias = zeros({classes});
  float* w = weights.data<float>();
  for (size_t k = 0; k < order.size(); ++k) {
    const int64_t cls = order[k];
    for (int64_t j = 0; j < x.columns; ++j)
      w[j * classes + cls] =
          static_cast<float>(get_decfun_coef(trained.get(), static_cast<int>(j) + 1, static_cast<int>(k)));
    bias.data<float>()[cls] = static_cast<float>(get_decfun_bias(trained.get(), static_cast<int>(k)));
  }
  return LinearTextModel(std::move(weights), std::move(bias), c);
}

Tensor LinearTextModel::decision(const text::SparseRows& x) const {
  if (x.columns != num_features())
    throw ValueError(fmt::format("linear text model: rows have {} features, the model {}", x.columns, num_features()));
  check_rows(x);
  const int64_t n = x.rows(), c = num_classes();
  Tensor out = zeros({n, c}, DType::float64);
  double* o = out.data<double>();
  const float* w = weights_.data<float>();
  const float* b = bias_.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    double* row = o + i * c;
    for (int64_t k = 0; k < c; ++k) row[k] = b[k];
    for (int64_t p = x.offsets[i]; p < x.offsets[i + 1]; ++p) {
      const double v = x.values[static_cast<size_t>(p)];
      const float* wj = w + static_cast<int64_t>(x.indices[static_cast<size_t>(p)]) * c;
      for (int64_t k = 0; k < c; ++k) row[k] += v * wj[k];
    }
  }
  return out;
}

}  // namespace deepfin::text_model
