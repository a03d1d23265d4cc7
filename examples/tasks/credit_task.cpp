// The credit task from C++: the German Credit job built in code (no job file),
// fitted on a stratified 80 %, scored on the rest, and saved; the saved model
// then reloads on its own and explains a decision.
//   build/release/examples/credit_task [path/to/credit-g.csv]
#include <deepfin/deepfin.h>
#include <fmt/format.h>

using namespace deepfin;

int main(int argc, char** argv) try {
  tasks::JobSpec job;
  job.file = "credit_task_example";
  job.data.source = "csv";
  job.data.path = argc > 1 ? argv[1] : "../shared/data/uci_german_credit/credit-g.csv";
  job.data.target = "class";
  job.data.positive_label = "bad";
  job.model = nlohmann::json::parse(R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "Dense", "config": {"units": 32, "activation": "relu"}},
      {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}})");
  job.compile = {{"optimizer", "adam"}, {"loss", "binary_crossentropy"}};
  job.fit.epochs = 20;
  job.fit.validation_split = 0.2;  // stratified: early stopping, the threshold and calibration look at it
  job.fit.verbose = 0;

  set_random_seed(42);
  const tasks::CreditTask task(job);
  const tasks::CreditSplit data = task.split(42);
  const tasks::CreditFit fitted = task.fit(data.train, 42);
  for (const auto& [metric, value] : task.evaluate(fitted.model, data.test))
    fmt::print("{:<20} {:.4f}\n", metric, value);

  fitted.model.save("credit_task_example.safetensors");
  const tabular::TabularModel reloaded = tabular::TabularModel::load("credit_task_example.safetensors");
  const auto why = reloaded.explain(data.test.select_rows({0}));
  fmt::print("first test applicant: p(bad) = {:.3f}, {}\n", why[0].probability,
             why[0].adverse ? "declined" : "accepted");
  for (const auto& reason : why[0].reasons) fmt::print("  {}\n", reason.text);
  return 0;
} catch (const deepfin::Error& e) {
  fmt::print(stderr, "error: {}\n", e.what());
  return 1;
}
