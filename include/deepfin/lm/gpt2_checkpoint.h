#pragma once
// Models trained elsewhere: GPT-2-family checkpoints in the Hugging Face layout,
// model.safetensors (float32) with config.json, vocab.json and merges.txt beside it.
//
// Tensor names (an optional "transformer." prefix is accepted): wte.weight (V, D),
// wpe.weight (C, D), h.<i>.ln_1.{weight,bias}, h.<i>.attn.c_attn.{weight (D, 3D), bias},
// h.<i>.attn.c_proj.{weight (D, D), bias}, h.<i>.ln_2.*, h.<i>.mlp.c_fc.{weight (D, F), bias},
// h.<i>.mlp.c_proj.{weight (F, D), bias}, ln_f.{weight,bias}; lm_head.weight, if present, must
// equal wte (GPT-2 ties them). GPT-2's Conv1D stores weights as (in, out), CausalLM's layout,
// so only c_attn is split (into query, key and value). The block is CausalLM's defaults:
// learned positions, LayerNorm, GELU in its tanh form, biases, tied embeddings.
#include <memory>
#include <string>

#include "deepfin/nn/layers/causal_lm.h"
#include "deepfin/text/byte_bpe.h"

namespace deepfin::lm {

struct Gpt2Model {
  std::shared_ptr<nn::CausalLM> network;
  std::shared_ptr<text::ByteBpeTokenizer> tokenizer;
};

// Whether the safetensors file at `path` holds GPT-2-layout tensor names (reads only its header).
bool is_gpt2_checkpoint(const std::string& path);

// The weights of `safetensors_path` in a CausalLM. The number of heads comes from n_head
// in config.json beside the file, else d_model / 64 (every GPT-2 size uses heads of 64).
// FileError naming the file and the tensor for a missing tensor or a wrong shape, and for a
// config.json that is not JSON or whose n_head does not divide d_model.
std::shared_ptr<nn::CausalLM> load_gpt2_weights(const std::string& safetensors_path);

// The weights and the tokenizer (vocab.json + merges.txt beside the file). FileError when the
// tokenizer files are missing or do not match the model's vocabulary size.
Gpt2Model load_gpt2(const std::string& safetensors_path);

}  // namespace deepfin::lm
