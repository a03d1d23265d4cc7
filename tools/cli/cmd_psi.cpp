// deepfin psi EXPECTED.csv ACTUAL.csv: population stability of a score between
// two samples (e.g. the scores at model approval and this month's), from the
// `probability` column that `deepfin predict` writes, or any numeric column.
#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "deepfin/base/error.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/metrics/credit/psi.h"

namespace deepfin::cli {
namespace {

std::vector<double> score_column(const std::string& path, const std::string& column) {
  const data::Table table = data::read_csv(path);
  const int64_t c = table.column_index(column);
  std::vector<double> out;
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    const auto& cell = table.columns[c].values[r];
    double v = 0;
    const char* end = cell ? cell->data() + cell->size() : nullptr;
    if (!cell || std::from_chars(cell->data(), end, v).ptr != end)
      throw ValueError(fmt::format("{}: '{}' is not a number", table.where(r, c), cell ? *cell : "(missing)"));
    out.push_back(v);
  }
  return out;
}

int run_psi(const RunContext& ctx, const std::string& expected_path, const std::string& actual_path,
            const std::string& column, int bins) {
  ctx.apply();
  const auto expected = score_column(expected_path, column);
  const auto actual = score_column(actual_path, column);
  const metrics::PsiResult psi = metrics::population_stability_index(expected, actual, bins);
  nlohmann::json event = {{"event", "psi"}, {"psi", psi.psi}, {"band", psi.band}, {"bins", nlohmann::json::array()}};
  std::string text = fmt::format("PSI {:.4f} ({}) between {} ({} scores, expected) and {} ({} scores, actual)\n",
                                 psi.psi, psi.band, expected_path, expected.size(), actual_path, actual.size());
  text += fmt::format("  {:>10} {:>10} {:>10} {:>10} {:>12}\n", "from", "to", "expected", "actual", "contribution");
  for (const auto& b : psi.bins) {
    text += fmt::format("  {:>10.4f} {:>10.4f} {:>10.4f} {:>10.4f} {:>12.4f}\n", b.lower, b.upper, b.expected_share,
                        b.actual_share, b.contribution);
    event["bins"].push_back({{"lower", b.lower},
                             {"upper", b.upper},
                             {"expected", b.expected_share},
                             {"actual", b.actual_share},
                             {"contribution", b.contribution}});
  }
  text += "bands: < 0.1 stable, 0.1-0.25 moderate shift, >= 0.25 significant shift; empty bins count as 1e-4";
  print_event(ctx, text, event);
  return 0;
}

}  // namespace

Command add_psi_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("psi", "population stability index of a score between two CSV files");
  struct Args {
    std::string expected, actual, column = "probability";
    int bins = 10;
  };
  auto args = std::make_shared<Args>();
  sub->add_option("expected", args->expected, "scores of the reference sample (.csv, e.g. from deepfin predict)")
      ->required();
  sub->add_option("actual", args->actual, "scores of the sample to compare (.csv)")->required();
  sub->add_option("--column", args->column, "score column (default probability)");
  sub->add_option("--bins", args->bins, "quantile bins of the expected sample (default 10)")->check(CLI::Range(2, 100));
  return {sub, [&ctx, args] { return run_psi(ctx, args->expected, args->actual, args->column, args->bins); }};
}

}  // namespace deepfin::cli
