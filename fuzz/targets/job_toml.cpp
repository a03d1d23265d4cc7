// Job files: TOML syntax (toml++), then the job-file checker (every table and key),
// then what `deepfin train` builds from it before reading any data: the model from
// its {class_name, config} tree (layer registry, shapes, weight budget) and the
// compile options (optimizer, loss and metric registries).
#include "fuzz_target.h"
#include "job_file.h"
#include "model_builder.h"

DEEPFIN_FUZZ_TARGET(job_toml) {
  return deepfin::fuzz::run_target("job_toml", [&] {
    const deepfin::cli::JobSpec job =
        deepfin::cli::parse_job(std::string(deepfin::fuzz::as_text(data, size)), "fuzz.toml");
    auto model = deepfin::cli::model_from_json(job.model);
    model->compile(deepfin::cli::compile_options_from_json(job.compile));
  });
}
