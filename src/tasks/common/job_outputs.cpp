#include "deepfin/tasks/job_outputs.h"

#include "deepfin/io/output_paths.h"
#include "deepfin/train/communicator.h"

namespace deepfin::tasks {

void prepare_job_outputs(const JobSpec& job, bool with_report) {
  if (!job.output.write) return;
  io::prepare_output_file(job.output.model, "[output] model");
  io::prepare_output_file(job.output.predictions, "[output] predictions");
  io::prepare_output_file(job.output.history_csv, "[output] history_csv");
  if (with_report) io::prepare_output_dir(job.report_dir(), "the report");
}

JobSpec without_outputs(JobSpec job) {
  job.output = OutputSpec{};
  job.output.write = false;
  return job;
}

JobSpec for_this_rank(JobSpec job) {
  return train::world()->rank() == 0 ? job : without_outputs(std::move(job));
}

JobSpec without_checkpoints(JobSpec job) {
  job.fit.checkpoint.reset();
  return job;
}

}  // namespace deepfin::tasks
