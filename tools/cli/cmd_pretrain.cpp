// deepfin pretrain JOB.toml: trains a byte-level BPE and a CausalLM on the job's
// texts, and saves both in one model file (tasks/language_model_task.h).
#include <fmt/format.h>

#include "commands.h"
#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "deepfin/tasks/language_model_task.h"

namespace deepfin::cli {

Command add_pretrain_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("pretrain", "pretrain a decoder language model (CausalLM) on the job's texts");
  auto job = std::make_shared<std::string>();
  sub->add_option("job", *job, "job file (TOML) with [data] files, [tokenizer], [model], [pretrain], [output]")
      ->required();
  auto resume = std::make_shared<bool>(false);
  sub->add_flag("--resume", *resume,
                "go on from the [pretrain] checkpoint, if there is one: the run ends as an unbroken run would");
  return {sub, [&ctx, job, resume] {
            tasks::PretrainSpec spec = tasks::parse_pretrain_job(io::read_file(*job), *job);
            if (*resume && spec.pretrain.checkpoint.empty())
              throw ConfigError(fmt::format(
                  "{}: --resume needs [pretrain] checkpoint = FILE, the file each epoch is saved to", *job));
            spec.pretrain.resume = *resume;
            spec.seed = ctx.apply(spec.threads, spec.seed);
            spec.pretrain.seed = spec.seed;
            const tasks::PretrainRun run = tasks::run_pretrain(spec, [&ctx](const std::string& line) {
              print_event(ctx, line, {{"event", "pretrain"}, {"message", line}});
            });
            const lm::PretrainEpoch& last = run.history.back();
            print_event(ctx,
                        fmt::format("held-out perplexity {:.2f} (loss {:.4f} nats per token) after {} epochs",
                                    last.validation_perplexity, last.validation_loss, last.epoch),
                        {{"event", "result"},
                         {"validation_perplexity", last.validation_perplexity},
                         {"validation_loss", last.validation_loss},
                         {"parameters", run.parameters},
                         {"train_tokens", run.train_tokens}});
            return 0;
          }};
}

}  // namespace deepfin::cli
