#pragma once
// The files a job will write are checked before it trains (see io/output_paths.h).
#include "deepfin/tasks/job_spec.h"

namespace deepfin::tasks {

// Every output of the job ([output] model, predictions, history_csv and, when
// `with_report`, its report folder): FileError naming the one that cannot be written.
void prepare_job_outputs(const JobSpec& job, bool with_report);

}  // namespace deepfin::tasks
