// deepfin generate MODEL --prompt "...": text from a pretrained language model,
// streamed as it comes, with the sampling options of lm/sampling.h.
#include <fmt/format.h>

#include <cstdio>

#include "commands.h"
#include "deepfin/tasks/language_model_task.h"

namespace deepfin::cli {
namespace {

struct GenerateArgs {
  std::string model, adapters;
  std::vector<std::string> prompts, stops;
  int64_t max_tokens = 64, top_k = 0;
  double temperature = 0.8, top_p = 0.95, repetition_penalty = 1.0;
  bool greedy = false, ignore_eos = false, int8 = false;
};

int run_generate(const RunContext& ctx, const GenerateArgs& a) {
  const uint64_t seed = ctx.apply({}, {}, /*header_to_stderr=*/true);
  tasks::LanguageModel lm = tasks::LanguageModel::load(a.model);
  if (!a.adapters.empty()) lm.apply_adapters(a.adapters);
  if (a.int8) lm.quantize_int8();
  lm::TextGenerateOptions options;
  options.tokens.max_new_tokens = a.max_tokens;
  options.tokens.sampling = {.temperature = a.greedy ? 0.0 : a.temperature,
                             .top_k = a.top_k,
                             .top_p = a.top_p,
                             .repetition_penalty = a.repetition_penalty};
  options.tokens.seed = seed;
  options.stop_strings = a.stops;
  options.stop_at_eos = !a.ignore_eos;
  // One prompt streams its text as it comes; several are printed when all are done. The
  // prompt is echoed with the first piece, so that a refused request prints only its error.
  const bool stream = a.prompts.size() == 1 && !ctx.json();
  bool echoed = false;
  auto echo_prompt = [&] {
    if (echoed) return;
    fmt::print("{}", a.prompts[0]);
    echoed = true;
  };
  const lm::TextGeneration g = lm.generate(a.prompts, options, [&](int64_t, const std::string& piece) {
    if (!stream) return;
    echo_prompt();
    fmt::print("{}", piece);
    std::fflush(stdout);
  });
  if (stream) echo_prompt();  // nothing was generated (an immediate end of text)
  for (size_t r = 0; r < a.prompts.size(); ++r) {
    const char* finish = lm::finish_reason_name(g.tokens.finish[r]);
    if (stream) {
      fmt::print("\n[finish: {}]\n", finish);
      continue;
    }
    print_event(ctx, fmt::format("[{}] {}{}\n[finish: {}]", r, a.prompts[r], g.texts[r], finish),
                {{"event", "generation"}, {"prompt", a.prompts[r]}, {"text", g.texts[r]}, {"finish", finish}});
  }
  print_event(ctx,
              fmt::format("{} tokens in {:.2f} s (prompt {:.3f} s); {:.1f} tokens/s over the cached steps",
                          g.tokens.generated, g.tokens.prefill_seconds + g.tokens.decode_seconds,
                          g.tokens.prefill_seconds, g.tokens.tokens_per_second()),
              {{"event", "speed"},
               {"tokens", g.tokens.generated},
               {"prefill_seconds", g.tokens.prefill_seconds},
               {"decode_seconds", g.tokens.decode_seconds},
               {"tokens_per_second", g.tokens.tokens_per_second()}});
  return 0;
}

}  // namespace

Command add_generate_command(CLI::App& app, const RunContext& ctx) {
  auto* sub = app.add_subcommand("generate", "write text with a language model saved by `deepfin pretrain`");
  auto a = std::make_shared<GenerateArgs>();
  sub->add_option("model", a->model, "model file (.safetensors) from deepfin pretrain")->required();
  sub->add_option("--prompt", a->prompts, "prompt text; repeat for a batch")->required();
  sub->add_option("--max-tokens", a->max_tokens, "new tokens at most (default 64)")->check(CLI::PositiveNumber);
  sub->add_option("--temperature", a->temperature, "sampling temperature (default 0.8; 0 = greedy)")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--greedy", a->greedy, "always take the most likely token");
  sub->add_flag("--int8", a->int8, "int8 weights (Q8_0): a quarter of the bytes to read per token");
  sub->add_flag("--ignore-eos", a->ignore_eos, "go on past the end-of-text token (benchmarks: a fixed length)");
  sub->add_option("--top-k", a->top_k, "sample from the k most likely tokens (default 0 = all)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--top-p", a->top_p, "nucleus sampling mass (default 0.95; 1 = off)");
  sub->add_option("--repetition-penalty", a->repetition_penalty, "penalty on tokens already present (default 1)");
  sub->add_option("--stop", a->stops, "stop string; repeat for several");
  sub->add_option("--adapters", a->adapters, "LoRA adapters file (from [output] adapters) to apply to the model");
  return {sub, [&ctx, a] { return run_generate(ctx, *a); }};
}

}  // namespace deepfin::cli
