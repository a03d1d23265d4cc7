// The text task from C++: a job file's text recipe (tokenizer, model, ensemble)
// run through the library, then the saved classifier routing new messages.
//   build/release/examples/text_task [examples/phrasebank_allagree.toml]
#include <deepfin/deepfin.h>
#include <fmt/format.h>

using namespace deepfin;

int main(int argc, char** argv) try {
  tasks::JobSpec job = tasks::load_job_file(argc > 1 ? argv[1] : "examples/phrasebank_allagree.toml");
  job.fit.verbose = 0;
  set_random_seed(job.seed.value_or(42));
  const tasks::TextTask task(job);
  const tasks::TextSplit data = task.split(job.seed.value_or(42));
  const tasks::TextFit fitted = task.fit(data.train);
  const metrics::ClassReport report = task.evaluate(fitted.classifier, data.test);
  fmt::print("{}accuracy {:.4f}  macro-F1 {:.4f}\n", metrics::format_report(report), report.accuracy, report.macro_f1);

  fitted.classifier.save("text_task_example.safetensors");
  const text_model::TextClassifier reloaded = text_model::TextClassifier::load("text_task_example.safetensors");
  for (const auto& p : reloaded.predict({"Operating profit rose to EUR 13.1 mn", "The company cut 200 jobs"}))
    fmt::print("{} ({:.2f}){}\n", p.label, p.confidence, p.to_person ? ": route to a person" : "");
  return 0;
} catch (const deepfin::Error& e) {
  fmt::print(stderr, "error: {}\n", e.what());
  return 1;
}
