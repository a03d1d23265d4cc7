#include "deepfin/tasks/job_outputs.h"

#include "deepfin/io/output_paths.h"

namespace deepfin::tasks {

void prepare_job_outputs(const JobSpec& job, bool with_report) {
  io::prepare_output_file(job.output.model, "[output] model");
  io::prepare_output_file(job.output.predictions, "[output] predictions");
  io::prepare_output_file(job.output.history_csv, "[output] history_csv");
  if (with_report) io::prepare_output_dir(job.report_dir(), "the report");
}

}  // namespace deepfin::tasks
