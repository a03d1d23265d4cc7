// Job files: TOML syntax (toml++), then the job-file checker (every table and key),
// then what `deepfin train` builds from it before reading any data: the model from
// its {class_name, config} tree (layer registry, shapes, weight budget) and the
// compile options (optimizer, loss and metric registries).
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/model_factory.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(job_toml) {
  return deepfin::fuzz::run_target("job_toml", [&] {
    const deepfin::tasks::JobSpec job =
        deepfin::tasks::parse_job(std::string(deepfin::fuzz::as_text(data, size)), "fuzz.toml");
    auto model = deepfin::tasks::model_from_json(job.model);
    model->compile(deepfin::tasks::compile_options_from_json(job.compile));
  });
}
