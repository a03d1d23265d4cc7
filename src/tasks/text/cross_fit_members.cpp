// Cross-fitted ensemble members: one per fold, each held out from its own fold.
#include "tasks/text/cross_fit_members.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/ops/shape_ops.h"
#include "deepfin/tasks/fit_setup.h"

namespace deepfin::tasks::detail {
namespace {

Tensor rows_at(const Tensor& t, const std::vector<int64_t>& rows) {
  return gather(t, from_vector(rows, {static_cast<int64_t>(rows.size())}), 0);
}

}  // namespace

void place_rows(const Tensor& values, const std::vector<int64_t>& rows, std::vector<double>& into) {
  const Tensor v = values.to(DType::float64).contiguous();
  const int64_t classes = v.size(1);
  const double* data = v.data<double>();
  for (size_t i = 0; i < rows.size(); ++i)
    std::copy(data + static_cast<int64_t>(i) * classes, data + static_cast<int64_t>(i + 1) * classes,
              into.begin() + rows[i] * classes);
}

CrossFitted fit_cross_fitted_members(text_model::TextClassifier& classifier, const Tensor& x,
                                     const std::vector<int64_t>& ids, const std::vector<data::FoldIndices>& folds,
                                     const FitSpec& fit, const std::string& history_csv, int verbose,
                                     const std::function<std::shared_ptr<models::Sequential>()>& new_member) {
  const int64_t n = x.size(0), classes = classifier.labels().num_classes();
  const Tensor y = from_vector(ids, {static_cast<int64_t>(ids.size())});
  std::vector<double> out_of_fold(static_cast<size_t>(n * classes), 0.0);
  CrossFitted out;
  for (size_t m = 0; m < folds.size(); ++m) {
    if (m > 0) classifier.add_member(new_member());
    models::Sequential& member = *classifier.members()[m];
    const std::vector<int64_t>& held = folds[m].test;
    const Tensor held_x = rows_at(x, held);
    models::FitOptions options =
        fit_options(fit, std::make_pair(held_x, rows_at(y, held)), ids, m == 0 ? history_csv : "", verbose);
    if (options.checkpoint && m > 0) options.checkpoint->directory += fmt::format("/member-{}", m + 1);
    train::History history = member.fit(rows_at(x, folds[m].train), rows_at(y, folds[m].train), options);
    if (m == 0) out.history = std::move(history);
    place_rows(member.predict(held_x, 256), held, out_of_fold);
  }
  out.out_of_fold = from_vector(out_of_fold, {n, classes});
  return out;
}

}  // namespace deepfin::tasks::detail
