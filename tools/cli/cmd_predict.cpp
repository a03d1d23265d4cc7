// deepfin predict MODEL IN.npy -o OUT.npy: model outputs for every row.
// deepfin predict MODEL rows.csv [-o scores.csv]: a tabular model scores raw rows
// (probability, decision, points), read exactly like its training file.
// deepfin predict MODEL messages.csv|.txt [--column text] [-o predictions.csv]: a text
// model labels a file of texts (a CSV column, or one per line).
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "decision_log_options.h"
#include "deepfin/io/npy.h"
#include "deepfin/io/output_paths.h"
#include "deepfin/models/model.h"
#include "deepfin/tasks/credit_task.h"
#include "deepfin/tasks/decision_log.h"
#include "deepfin/tasks/text_predictions.h"
#include "deepfin/text_model/text_classifier.h"

namespace deepfin::cli {
namespace {

// Intent (or sentiment) of each message, and whether it should go to a person.
int run_predict_text(const RunContext& ctx, const std::string& model_path, const std::vector<std::string>& texts) {
  ctx.apply();
  const text_model::TextClassifier classifier = text_model::TextClassifier::load(model_path);
  int64_t truncated = 0;
  const auto predictions = classifier.predict(texts, &truncated);
  nlohmann::json rows = nlohmann::json::array();
  std::string table;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& p = predictions[i];
    table += p.to_person ? fmt::format("{} ({:.2f}) -> below the {:.2f} confidence threshold: route to a person\n",
                                       p.label, p.confidence, classifier.threshold())
                         : fmt::format("{} ({:.2f}){}\n", p.label, p.confidence,
                                       p.reply.empty() ? "" : fmt::format(" -> reply: {}", p.reply));
    rows.push_back({{"text", texts[i]},
                    {"label", p.label},
                    {"confidence", p.confidence},
                    {"to_person", p.to_person},
                    {"reply", p.reply}});
  }
  if (truncated > 0)
    table += fmt::format("note: {} text(s) were longer than the model's {} tokens and were cut\n", truncated,
                         classifier.max_length());
  print_event(ctx, table, nlohmann::json{{"event", "predict"}, {"predictions", rows}});
  return 0;
}

// Every text of a file, labelled: the predictions as CSV, on stdout or in `out`.
int run_predict_text_file(const RunContext& ctx, const text_model::TextClassifier& classifier, const std::string& in,
                          const std::string& column, const std::string& out) {
  const tasks::TextFilePredictions p = tasks::predict_text_file(classifier, in, column);
  const std::string cut = p.truncated == 0 ? ""
                                           : fmt::format(" ({} texts longer than the model's {} tokens were cut)",
                                                         p.truncated, classifier.max_length());
  if (out.empty()) {
    fmt::print("{}", p.csv);
    if (p.truncated > 0) fmt::print(stderr, "note:{}\n", cut);
    return 0;
  }
  io::write_output_file(out, p.csv);
  print_event(ctx, fmt::format("wrote {} predictions to {}{}", p.texts, out, cut),
              nlohmann::json{{"event", "predict"}, {"rows", p.texts}, {"path", out}, {"truncated", p.truncated}});
  return 0;
}

int run_predict(const RunContext& ctx, const std::string& model_path, const std::string& in, const std::string& out,
                int64_t batch_size, const std::string& column, const tasks::DecisionLogOptions& log) {
  const std::string ext = std::filesystem::path(in).extension().string();
  const bool tabular_or_text = ext == ".csv" || ext == ".arff" || ext == ".txt";
  ctx.apply({}, {}, tabular_or_text && out.empty());  // scores on stdout stay a clean CSV
  // A .csv is a tabular model's rows or a text model's texts: the file's attachments say which.
  const std::shared_ptr<models::Model> loaded = tabular_or_text ? models::load_model(model_path) : nullptr;
  if (ext == ".txt" || (ext == ".csv" && !loaded->attachment("text").is_null())) {
    if (!log.path.empty()) throw ConfigError("predict: --decision-log records credit decisions, not text labels");
    return run_predict_text_file(ctx, text_model::TextClassifier::from_model(loaded, model_path), in, column, out);
  }
  if (column != "text") throw ConfigError("predict: --column names the text column of a text model's input");
  if (ext == ".csv" || ext == ".arff") {
    const tabular::TabularModel model = tabular::TabularModel::from_model(loaded, model_path);
    const data::Table rows = model.read_rows(in);
    const std::vector<double> p = model.predict_proba(rows, batch_size);
    const std::string csv = tasks::scores_csv(model, rows, p);
    // The audit line of each decision carries its reason codes, so a logged prediction is explained too.
    if (!log.path.empty()) tasks::DecisionLog(log, model_path).append(rows, model.explain(rows), model);
    if (out.empty()) {
      fmt::print("{}", csv);
      return 0;
    }
    io::write_output_file(out, csv);
    print_event(ctx, fmt::format("wrote {} scores to {}", p.size(), out),
                nlohmann::json{{"event", "predict"}, {"rows", p.size()}, {"path", out}});
    return 0;
  }
  if (!log.path.empty()) throw ConfigError("predict: --decision-log records credit decisions: give .csv or .arff rows");
  if (out.empty()) throw ConfigError("predict: -o/--output is required for .npy input");
  auto model = models::load_model(model_path);
  Tensor x = io::load_npy(in);
  if (x.dtype() == DType::int64) x = x.to(DType::float32);
  const Tensor y = model->predict(x, batch_size);
  io::save_npy(out, y);
  print_event(ctx, fmt::format("wrote predictions {} to {}", shape_str(y.shape()), out),
              nlohmann::json{{"event", "predict"}, {"shape", y.shape()}, {"path", out}});
  return 0;
}

}  // namespace

Command add_predict_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("predict", "run a saved model on inputs: arrays, credit rows or texts");
  struct Args {
    std::string model, in, out, column = "text";
    int64_t batch_size = 256;
    std::vector<std::string> texts;
    tasks::DecisionLogOptions log;
  };
  auto args = std::make_shared<Args>();
  sub->add_option("model", args->model, "model file (.safetensors)")->required();
  sub->add_option("input", args->in,
                  "inputs: .npy (batch axis first), .csv/.arff rows for a tabular model, or for a text model a "
                  ".csv (its --column) or a .txt of one text per line");
  sub->add_option("--text", args->texts, "a message for a text model (repeatable)");
  sub->add_option("--column", args->column, "the text column of a text model's .csv input (default: text)");
  sub->add_option("-o,--output", args->out,
                  "where to write the outputs (.npy; .csv for tabular and text files, default stdout)");
  sub->add_option("--batch-size", args->batch_size, "samples per batch")->check(CLI::PositiveNumber);
  add_decision_log_options(*sub, args->log);
  return {sub, [&ctx, args] {
            io::prepare_output_file(args->out, "-o/--output");  // before any work, as train does
            if (!args->texts.empty()) return run_predict_text(ctx, args->model, args->texts);
            if (args->in.empty()) throw ConfigError("predict: give an input file or --text \"a message\"");
            return run_predict(ctx, args->model, args->in, args->out, args->batch_size, args->column, args->log);
          }};
}

}  // namespace deepfin::cli
