// The linear text model over LIBLINEAR: rows are handed to it as its feature_node
// lists (1-based columns, a bias column last, -1 terminated); the trained weights
// are read back through its accessors into a (features, classes) tensor.
#include "deepfin/text_model/linear_text_model.h"

#include <fmt/format.h>
#include <linear.h>

#include <algorithm>
#include <array>
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

// Each class's naive-Bayes log-count ratios over the rows `subset`, (classes, columns)
// row-major: a feature counts once per row it occurs in, plus one (Laplace smoothing).
std::vector<double> nb_ratios(const text::SparseRows& x, const std::vector<int64_t>& y,
                              const std::vector<int64_t>& subset, int64_t classes) {
  const auto columns = static_cast<size_t>(x.columns);
  std::vector<double> in_class(static_cast<size_t>(classes) * columns, 0.0), total(columns, 0.0);
  for (int64_t r : subset)
    for (int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
      const auto j = static_cast<size_t>(x.indices[static_cast<size_t>(k)]);
      in_class[static_cast<size_t>(y[static_cast<size_t>(r)]) * columns + j] += 1.0;
      total[j] += 1.0;
    }
  std::vector<double> ratio(in_class.size());
  for (size_t cls = 0; cls < static_cast<size_t>(classes); ++cls) {
    const double* p = in_class.data() + cls * columns;
    double p_sum = 0, q_sum = 0;
    for (size_t j = 0; j < columns; ++j) {
      p_sum += 1.0 + p[j];
      q_sum += 1.0 + total[j] - p[j];
    }
    for (size_t j = 0; j < columns; ++j)
      ratio[cls * columns + j] = std::log((1.0 + p[j]) / p_sum) - std::log((1.0 + total[j] - p[j]) / q_sum);
  }
  return ratio;
}

// NB-SVM on the rows `subset`: per class, a binary SVM of the class against the rest on the
// features scaled by that class's ratios. The ratios and the LIBLINEAR rows are made once;
// scale(cls) rewrites the values for one class, and train(c) fits it at any C.
class NbSvmProblem {
 public:
  NbSvmProblem(const text::SparseRows& x, const std::vector<int64_t>& y, const std::vector<int64_t>& subset,
               int64_t classes)
      : x_(x), y_(y), subset_(subset), ratio_(nb_ratios(x, y, subset, classes)) {
    std::vector<size_t> starts;
    for (int64_t r : subset) {
      starts.push_back(rows_.nodes.size());
      for (int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k)
        rows_.nodes.push_back({x.indices[static_cast<size_t>(k)] + 1, 0.0});
      rows_.nodes.push_back({static_cast<int>(x.columns) + 1, 1.0});
      rows_.nodes.push_back({-1, 0.0});
    }
    for (size_t st : starts) rows_.rows.push_back(rows_.nodes.data() + st);
  }

  // Sets the rows' values and labels for class cls against the rest.
  void scale(int64_t cls) {
    cls_ = cls;
    const double* ratio = class_ratio();
    labels_.clear();
    for (size_t i = 0; i < subset_.size(); ++i) {
      const int64_t r = subset_[i];
      feature_node* node = rows_.rows[i];
      for (int64_t k = x_.offsets[r]; k < x_.offsets[r + 1]; ++k, ++node)
        node->value = x_.values[static_cast<size_t>(k)] * ratio[node->index - 1];
      labels_.push_back(y_[static_cast<size_t>(r)] == cls ? 1.0 : -1.0);
    }
  }

  // The scaled class's weights on the unscaled features (its SVM's weights times the ratios)
  // and its bias, at C.
  std::pair<std::vector<double>, double> train(double c, double tolerance) {
    problem prob{};
    prob.l = static_cast<int>(subset_.size());
    prob.n = static_cast<int>(x_.columns) + 1;
    prob.y = labels_.data();
    prob.x = rows_.rows.data();
    prob.bias = 1.0;
    parameter param{};
    param.solver_type = L2R_L2LOSS_SVC_DUAL;
    param.eps = tolerance;
    param.C = c;
    if (const char* error = check_parameter(&prob, &param))
      throw ValueError(fmt::format("linear text model: {}", error));
    std::srand(1);  // as in train_on: each fit depends on its rows alone
    const Trained trained(::train(&prob, &param));
    if (!trained) throw ValueError("linear text model: LIBLINEAR could not train");
    // A two-class LIBLINEAR model keeps one weight vector, for the first label it met.
    std::array<int, 2> order{};
    get_labels(trained.get(), order.data());
    const int positive = order[0] == 1 ? 0 : 1;
    const double* ratio = class_ratio();
    std::vector<double> w(static_cast<size_t>(x_.columns));
    for (size_t j = 0; j < w.size(); ++j)
      w[j] = get_decfun_coef(trained.get(), static_cast<int>(j) + 1, positive) * ratio[j];
    return {std::move(w), get_decfun_bias(trained.get(), positive)};
  }

 private:
  const double* class_ratio() const {
    return ratio_.data() + static_cast<size_t>(cls_) * static_cast<size_t>(x_.columns);
  }

  const text::SparseRows& x_;
  const std::vector<int64_t>& y_;
  const std::vector<int64_t>& subset_;
  std::vector<double> ratio_;
  LiblinearRows rows_;
  std::vector<double> labels_;
  int64_t cls_ = 0;
};

// Rows of `test` that NB-SVM fitted on `train` at each C of `grid` gets right (one count per C).
std::vector<int64_t> nb_right_answers(const text::SparseRows& x, const std::vector<int64_t>& y,
                                      const data::FoldIndices& fold, int64_t classes, const std::vector<double>& grid,
                                      double tolerance) {
  NbSvmProblem problem(x, y, fold.train, classes);
  const size_t n = fold.test.size(), k = static_cast<size_t>(classes);
  std::vector<std::vector<double>> scores(grid.size(), std::vector<double>(n * k));
  for (int64_t cls = 0; cls < classes; ++cls) {
    problem.scale(cls);
    for (size_t g = 0; g < grid.size(); ++g) {
      const auto [w, b] = problem.train(grid[g], tolerance);
      for (size_t i = 0; i < n; ++i) {
        const int64_t r = fold.test[i];
        double s = b;
        for (int64_t e = x.offsets[r]; e < x.offsets[r + 1]; ++e)
          s += x.values[static_cast<size_t>(e)] * w[static_cast<size_t>(x.indices[static_cast<size_t>(e)])];
        scores[g][i * k + static_cast<size_t>(cls)] = s;
      }
    }
  }
  std::vector<int64_t> right(grid.size(), 0);
  for (size_t g = 0; g < grid.size(); ++g)
    for (size_t i = 0; i < n; ++i) {
      const double* row = scores[g].data() + i * k;
      right[g] += std::max_element(row, row + k) - row == y[static_cast<size_t>(fold.test[i])] ? 1 : 0;
    }
  return right;
}

}  // namespace

LinearTextModel::LinearTextModel(Tensor weights, Tensor bias, double c, bool nb_scaled)
    : weights_(weights.to(DType::float32).contiguous()),
      bias_(bias.to(DType::float32).contiguous()),
      c_(c),
      nb_scaled_(nb_scaled) {
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
  const bool try_tfidf = options.features != LinearFeatures::nb_scaled;
  const bool try_nb = options.features != LinearFeatures::tfidf;
  const std::vector<double> grid =
      options.c > 0 ? std::vector<double>{options.c} : std::vector<double>{0.125, 0.5, 2.0, 8.0};
  double c = options.c > 0 ? options.c : 1.0;
  bool nb = !try_tfidf;
  if ((grid.size() > 1 || (try_tfidf && try_nb)) && *std::min_element(count.begin(), count.end()) >= options.cv_folds) {
    const auto folds = data::stratified_kfold(y, static_cast<int>(options.cv_folds), options.seed);
    int64_t best = -1;
    auto consider = [&](int64_t right, double candidate, bool scaled) {
      if (right <= best) return;  // the first (tfidf, then the smaller C) wins a tie
      best = right;
      c = candidate;
      nb = scaled;
    };
    if (try_tfidf)
      for (const double candidate : grid) {
        int64_t right = 0;
        for (const auto& fold : folds) {
          const auto trained = train_on(rows, y, fold.train, x.columns, candidate, options.tolerance);
          for (int64_t r : fold.test)
            right += static_cast<int64_t>(::predict(trained.get(), rows.rows[static_cast<size_t>(r)])) ==
                             y[static_cast<size_t>(r)]
                         ? 1
                         : 0;
        }
        consider(right, candidate, false);
      }
    if (try_nb) {
      std::vector<int64_t> right(grid.size(), 0);
      for (const auto& fold : folds) {
        const std::vector<int64_t> in_fold = nb_right_answers(x, y, fold, classes, grid, options.tolerance);
        for (size_t g = 0; g < grid.size(); ++g) right[g] += in_fold[g];
      }
      for (size_t g = 0; g < grid.size(); ++g) consider(right[g], grid[g], true);
    }
  }
  if (nb) {
    NbSvmProblem problem(x, y, all, classes);
    Tensor weights = zeros({x.columns, classes});
    Tensor bias = zeros({classes});
    float* w = weights.data<float>();
    for (int64_t cls = 0; cls < classes; ++cls) {
      problem.scale(cls);
      const auto [class_w, class_b] = problem.train(c, options.tolerance);
      for (int64_t j = 0; j < x.columns; ++j)
        w[j * classes + cls] = static_cast<float>(class_w[static_cast<size_t>(j)]);
      bias.data<float>()[cls] = static_cast<float>(class_b);
    }
    return LinearTextModel(std::move(weights), std::move(bias), c, true);
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
