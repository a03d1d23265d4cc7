// The array task from C++: the seed's job file (Fashion-MNIST, the CNN, Adam, 10
// epochs of 32) run through the library instead of the command line.
//   build/release/examples/image_task [examples/seed_cnn.toml]
#include <deepfin/deepfin.h>
#include <fmt/format.h>

using namespace deepfin;

int main(int argc, char** argv) try {
  const tasks::JobSpec job = tasks::load_job_file(argc > 1 ? argv[1] : "examples/seed_cnn.toml");
  set_random_seed(job.seed.value_or(42));
  const tasks::ImageTask task(job);
  const data::Dataset data = task.load_data(job.seed.value_or(42));
  auto model = task.build_model(data);
  fmt::print("{}\n", model->summary());
  task.fit(*model, data);
  const tasks::ImageEvaluation test = task.evaluate(*model, data);
  for (const auto& [metric, value] : test.logs) fmt::print("test {} {:.4f}\n", metric, value);
  return 0;
} catch (const deepfin::Error& e) {
  fmt::print(stderr, "error: {}\n", e.what());
  return 1;
}
