// deepfin perplexity MODEL --text FILE: a language model's held-out loss and
// perplexity on texts (one per line, or a CSV column), in float32 or int8 weights.
#include <fmt/format.h>

#include <cmath>

#include "commands.h"
#include "deepfin/tasks/language_model_task.h"

namespace deepfin::cli {

Command add_perplexity_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("perplexity", "a language model's perplexity on a file of texts");
  struct Args {
    std::string model, text, column;
    int64_t window = 0;
    bool int8 = false;
  };
  auto a = std::make_shared<Args>();
  sub->add_option("model", a->model, "model file from deepfin pretrain, or a GPT-2 model.safetensors")->required();
  sub->add_option("--text", a->text, "texts: one per line, or a CSV file with --column")->required();
  sub->add_option("--column", a->column, "the CSV column holding the texts");
  sub->add_option("--window", a->window, "tokens per window (default: the model's context)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--int8", a->int8, "int8 weights (as deepfin generate --int8)");
  return {sub, [&ctx, a] {
            ctx.apply();
            tasks::LanguageModel lm = tasks::LanguageModel::load(a->model);
            if (a->int8) lm.quantize_int8();
            tasks::PretrainSpec texts;
            texts.files = {a->text};
            texts.format = a->column.empty() ? "lines" : "csv";
            if (!a->column.empty()) texts.text_column = a->column;
            const double loss = lm.loss_on(tasks::read_documents(texts), a->window);
            print_event(ctx,
                        fmt::format("{} weights: loss {:.5f} nats per token, perplexity {:.4f}",
                                    a->int8 ? "int8" : "float32", loss, std::exp(loss)),
                        {{"event", "perplexity"}, {"loss", loss}, {"perplexity", std::exp(loss)}, {"int8", a->int8}});
            return 0;
          }};
}

}  // namespace deepfin::cli
