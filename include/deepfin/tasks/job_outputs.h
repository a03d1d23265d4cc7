#pragma once
// The files a job will write are checked before it trains (see io/output_paths.h).
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

// Every output of the job ([output] model, predictions, history_csv and, when
// `with_report`, its report folder): FileError naming the one that cannot be written.
// Nothing, for a job whose output.write is false.
void prepare_job_outputs(const JobSpec& job, bool with_report);

// The job with no outputs at all (output.write false), for the ranks other than
// 0 of a data-parallel run: they train alongside rank 0, which writes the files.
JobSpec without_outputs(JobSpec job);
// The job as this process runs it: without outputs on a rank other than 0 of
// train::world(), unchanged otherwise.
JobSpec for_this_rank(JobSpec job);
// The job without [checkpoint]: commands that fit many models (cv, backtest,
// report, the privacy audit) checkpoint none of them.
JobSpec without_checkpoints(JobSpec job);

}  // namespace deepfin::tasks
