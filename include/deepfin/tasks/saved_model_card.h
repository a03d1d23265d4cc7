#pragma once
// The model card that `deepfin report` saved in a model file, written again.
#include <string>

namespace deepfin::tasks {

// The card's Markdown (report/model_card.h); FileError naming the file when it holds no card.
std::string saved_model_card(const std::string& model_path);

}  // namespace deepfin::tasks
