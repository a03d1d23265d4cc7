#pragma once
// LoRA adapters as files of their own, and starting one CausalLM from another's
// weights. An adapters file is a safetensors file holding only the
// "block_<i>/<target>_lora_{a,b}" tensors, with the rank, alpha and targets in its
// metadata ("deepfin_lora"), so a few hundred kilobytes turn a shared base model
// into a fine-tuned one.
#include <memory>
#include <string>

#include "deepfin/nn/layers/causal_lm.h"

namespace deepfin::lm {

// Copies every weight of `from` into the weight of the same name in `to` (built): a body for a
// classifier gets a pretrained model's weights. `to` may lack the output kernel (output =
// "hidden") and may add LoRA adapters; any other difference (a weight missing in `from`, or
// another shape) is a ValueError naming the weight.
void copy_pretrained_weights(const nn::CausalLM& from, nn::CausalLM& to);

// A copy of `base`'s architecture with `options`' LoRA settings and dropout, built, holding
// base's weights (the adapters start as LoRA's initialization). ValueError when base is not built.
std::shared_ptr<nn::CausalLM> with_lora(const nn::CausalLM& base, int64_t rank, double alpha,
                                        const std::vector<std::string>& targets, double dropout);

// Writes the adapters of `model` (lora_rank > 0; ValueError otherwise) atomically.
void save_lora_adapters(const nn::CausalLM& model, const std::string& path);

// `base` with the adapters of `path` applied. FileError naming the file for a file without
// deepfin_lora metadata, or whose tensors do not fit base (naming the tensor and both shapes).
std::shared_ptr<nn::CausalLM> apply_lora_adapters(const nn::CausalLM& base, const std::string& path);

}  // namespace deepfin::lm
