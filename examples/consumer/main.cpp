// Uses the installed library as any program would: a Keras-style model trained
// on a toy credit problem, then the credit task on a table it writes, scored and
// saved. Prints "consumer: ok" and exits 0 when everything worked.
#include <deepfin/deepfin.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace deepfin;

int main() try {
  set_random_seed(1);
  // The Keras-style API: two features, the label is whether they sum above 1.
  std::vector<float> x(200 * 2), y(200);
  for (int i = 0; i < 200; ++i) {
    x[2 * i] = static_cast<float>(i % 20) / 20.0f;
    x[2 * i + 1] = static_cast<float>((i * 7) % 20) / 20.0f;
    y[i] = x[2 * i] + x[2 * i + 1] > 1.0f ? 1.0f : 0.0f;
  }
  models::Sequential model({layers::Dense(8, {.activation = "relu", .input_shape = {2}}),
                            layers::Dense(1, {.activation = "sigmoid"})});
  model.compile({.optimizer = optim::Adam({.learning_rate = 0.05}), .loss = "binary_crossentropy",
                 .metrics = {"accuracy"}});
  const train::History h = model.fit(from_vector(x, {200, 2}), from_vector(y, {200, 1}), {.epochs = 30, .verbose = 0});
  const double accuracy = h.history.at("accuracy").back();

  // The credit task on a CSV, as a scoring service would train its model.
  const auto dir = std::filesystem::temp_directory_path() / "deepfin_consumer";
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "loans.csv");
    csv << "income,housing,class\n";
    for (int i = 0; i < 200; ++i) csv << 20 + (i * 37) % 80 << "," << (i % 3 ? "own" : "rent") << ","
                                      << ((i * 37) % 80 < 30 ? "bad" : "good") << "\n";
  }
  tasks::JobSpec job;
  job.file = "consumer";
  job.data.source = "csv";
  job.data.path = (dir / "loans.csv").string();
  job.data.target = "class";
  job.data.positive_label = "bad";
  job.model = {{"class_name", "Sequential"},
               {"config", {{"layers", {{{"class_name", "Dense"}, {"config", {{"units", 1}, {"activation", "sigmoid"}}}}}}}}};
  job.compile = {{"optimizer", {{"class_name", "Adam"}, {"config", {{"learning_rate", 0.1}}}}},
                 {"loss", "binary_crossentropy"}};
  job.fit.epochs = 30;
  job.fit.verbose = 0;
  const tasks::CreditTask task(job);
  const tasks::CreditSplit data = task.split(1);
  const tasks::CreditFit fitted = task.fit(data.train, 1);
  const double auc = task.evaluate(fitted.model, data.test).at("auc");
  fitted.model.save((dir / "loans.safetensors").string());
  const auto reloaded = tabular::TabularModel::load((dir / "loans.safetensors").string());
  std::filesystem::remove_all(dir);
  std::printf("consumer: toy accuracy %.3f, credit AUC %.3f, threshold %.3f\n", accuracy, auc, reloaded.threshold());
  if (accuracy < 0.9 || auc < 0.9) return 1;
  std::printf("consumer: ok\n");
  return 0;
} catch (const deepfin::Error& e) {
  std::fprintf(stderr, "consumer: %s\n", e.what());
  return 1;
}
