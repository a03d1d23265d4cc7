// The text task's report: the per-class table, accuracy and macro-F1, and the confusion matrix figure.
#include <fmt/format.h>

#include "deepfin/io/atomic_file.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/report/confusion_figure.h"
#include "deepfin/tasks/text_task.h"

namespace deepfin::tasks {

void TextTask::write_report(const std::string& dir, const TextSplit& split, const metrics::ClassReport& report) const {
  io::create_output_dir(dir, "the report");
  report::plot_confusion_matrix(report, dir + "/confusion.png");
  io::write_file_atomic(
      dir + "/report.md",
      fmt::format("# {}\n\nTrain: `{}` ({} texts); test: `{}` ({} texts).\n\n```\n{}```\n\n"
                  "Accuracy {:.4f}, macro-F1 {:.4f}.\n\n![confusion matrix](confusion.png)\n",
                  job_.file.filename().string(), split.train.source, split.train.size(), split.test.source,
                  split.test.size(), metrics::format_report(report), report.accuracy, report.macro_f1));
}

}  // namespace deepfin::tasks
