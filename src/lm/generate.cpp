#include "deepfin/lm/generate.h"

#include <fmt/format.h>

#include <algorithm>

#include "deepfin/autograd/node.h"
#include "deepfin/base/error.h"

namespace deepfin::lm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check_request(const nn::CausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
                   const GenerateOptions& o) {
  if (prompts.empty()) throw ValueError("generate: no prompts");
  if (model.options().attention != "causal")
    throw ValueError(
        fmt::format("generate: CausalLM '{}' is bidirectional (masked-LM): it does not generate text", model.name()));
  if (model.options().output != "logits")
    throw ValueError(
        fmt::format("generate: CausalLM '{}' outputs hidden states (a classifier's body), not logits", model.name()));
  if (o.max_new_tokens < 1)
    throw ValueError(fmt::format("generate: max_new_tokens must be >= 1, got {}", o.max_new_tokens));
  check_sampling_options(o.sampling);
  for (size_t r = 0; r < prompts.size(); ++r) {
    const auto& p = prompts[r];
    if (p.empty()) throw ValueError(fmt::format("generate: prompt {} is empty; it needs at least one token", r));
    if (static_cast<int64_t>(p.size()) >= model.context_length())
      throw ValueError(
          fmt::format("generate: prompt {} has {} tokens, which leaves no room in the model's context "
                      "of {} tokens",
                      r, p.size(), model.context_length()));
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] < 0 || p[i] >= model.vocab_size())
        throw ValueError(fmt::format("generate: prompt {}, position {}: token id {} is outside the vocabulary [0, {})",
                                     r, i, p[i], model.vocab_size()));
  }
}

// Rows of different lengths as one (rows, longest) block, padded on the left with id 0.
struct LeftPadded {
  std::vector<int64_t> ids;   // row-major
  std::vector<int64_t> pads;  // per row
  int64_t length = 0;         // the longest row
};

LeftPadded left_pad(const std::vector<std::vector<int64_t>>& rows) {
  LeftPadded out;
  for (const auto& r : rows) out.length = std::max(out.length, static_cast<int64_t>(r.size()));
  for (const auto& r : rows) {
    const auto pad = out.length - static_cast<int64_t>(r.size());
    out.pads.push_back(pad);
    out.ids.insert(out.ids.end(), static_cast<size_t>(pad), 0);
    out.ids.insert(out.ids.end(), r.begin(), r.end());
  }
  return out;
}

// Last-position logits of every row, (batch, vocab), as host rows.
std::vector<std::vector<float>> last_logits(const Tensor& logits) {
  const Tensor last = logits.select(1, logits.size(1) - 1).to(DType::float32).contiguous();
  const int64_t batch = last.size(0), vocab = last.size(1);
  const float* p = last.data<float>();
  std::vector<std::vector<float>> rows(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) rows[static_cast<size_t>(b)].assign(p + b * vocab, p + (b + 1) * vocab);
  return rows;
}

// Recomputes every row from scratch (no state kept between steps): the reference the cache must match.
std::vector<std::vector<float>> uncached_step(nn::CausalLM& model, const std::vector<std::vector<int64_t>>& rows) {
  const LeftPadded padded = left_pad(rows);
  const int64_t batch = static_cast<int64_t>(rows.size());
  if (batch == 1) {  // the training path itself
    NoGradGuard no_grad;
    std::vector<float> as_float(padded.ids.begin(), padded.ids.end());
    return last_logits(model.call(from_vector(as_float, {1, padded.length})));
  }
  nn::KVCache fresh = model.new_cache(batch, padded.pads);
  return last_logits(model.forward_cached(from_vector(padded.ids, {batch, padded.length}), fresh));
}

}  // namespace

const char* finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop_token:
      return "stop";
    case FinishReason::max_tokens:
      return "length";
    case FinishReason::context_full:
      return "context";
    case FinishReason::callback:
      return "stop_string";
  }
  return "?";
}

double Generation::tokens_per_second() const {
  return decode_seconds > 0.0 ? static_cast<double>(decoded) / decode_seconds : 0.0;
}

Generation generate(nn::CausalLM& model, const std::vector<std::vector<int64_t>>& prompts, const GenerateOptions& o,
                    const TokenCallback& on_token) {
  check_request(model, prompts, o);
  const int64_t batch = static_cast<int64_t>(prompts.size());
  const LeftPadded padded = left_pad(prompts);
  Generator gen(o.seed);
  Generation out;
  out.tokens.resize(prompts.size());
  out.finish.assign(prompts.size(), FinishReason::max_tokens);
  std::vector<std::vector<int64_t>> seen = prompts;
  std::vector<bool> active(prompts.size(), true);

  const auto start = Clock::now();
  nn::KVCache cache;
  std::vector<std::vector<float>> logits;
  if (o.use_cache) {
    cache = model.new_cache(batch, padded.pads);
    logits = last_logits(model.forward_cached(from_vector(padded.ids, {batch, padded.length}), cache));
  } else {
    logits = uncached_step(model, seen);
  }
  out.prefill_seconds = seconds_since(start);
  const auto decode_start = Clock::now();
  int64_t length = padded.length;  // slots used per row, pads included
  for (int64_t step = 0; step < o.max_new_tokens; ++step) {
    std::vector<int64_t> next(prompts.size(), 0);
    bool any = false;
    for (size_t r = 0; r < prompts.size(); ++r) {
      if (!active[r]) continue;
      if (o.vocab_limit > 0 && o.vocab_limit < static_cast<int64_t>(logits[r].size()))
        logits[r].resize(static_cast<size_t>(o.vocab_limit));
      const int64_t token = sample_next_token(logits[r], seen[r], o.sampling, gen);
      next[r] = token;
      out.tokens[r].push_back(token);
      seen[r].push_back(token);
      ++out.generated;
      if (step > 0) ++out.decoded;
      const bool keep = !on_token || on_token(static_cast<int64_t>(r), token);
      if (std::find(o.stop_tokens.begin(), o.stop_tokens.end(), token) != o.stop_tokens.end()) {
        active[r] = false;
        out.finish[r] = FinishReason::stop_token;
      } else if (!keep) {
        active[r] = false;
        out.finish[r] = FinishReason::callback;
      } else if (length >= model.context_length() && step + 1 < o.max_new_tokens) {
        // Feeding this token back would need a slot past the context.
        active[r] = false;
        out.finish[r] = FinishReason::context_full;
      }
      any = any || active[r];
    }
    if (!any || step + 1 == o.max_new_tokens) break;
    // Finished rows still take a (discarded) step, so the batch stays aligned in the cache.
    logits = o.use_cache ? last_logits(model.forward_cached(from_vector(next, {batch, 1}), cache))
                         : uncached_step(model, seen);
    ++length;
  }
  out.decode_seconds = seconds_since(decode_start);
  return out;
}

}  // namespace deepfin::lm
