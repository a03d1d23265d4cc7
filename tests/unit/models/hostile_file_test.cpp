// Model files edited by hand or by an attacker: a config that declares a far larger
// model than the file holds fails at once, without allocating it; an attachment
// nested a million levels deep is refused, not a stack overflow.
#include <gtest/gtest.h>

#include <chrono>

#include "model_test_util.h"

namespace deepfin {
namespace {

using testing::temp_path;

// The seed CNN's file with metadata entry `key` replaced by `value`.
std::string edited_seed_cnn(const std::string& key, const std::string& value) {
  models::Sequential model({layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
                            layers::MaxPooling2D({2, 2}), layers::Flatten(),
                            layers::Dense(10, {.activation = "softmax"})});
  const std::string path = temp_path("cnn.safetensors"), edited = temp_path("edited.safetensors");
  model.set_attachment("tabular", {{"note", "x"}});
  model.save(path);
  io::SafetensorsFile file = io::load_safetensors(path);
  file.metadata[key] = value;
  io::save_safetensors(edited, file.tensors, file.metadata);
  std::filesystem::remove(path);
  return edited;
}

TEST(HostileModelFile, AnInflatedInputShapeFailsFastWithoutAllocating) {
  for (const char* shape : {"[300000, 28, 1]", "[2147483648, 28, 1]"}) {
    std::string config =
        models::Sequential({layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
                            layers::MaxPooling2D({2, 2}), layers::Flatten(),
                            layers::Dense(10, {.activation = "softmax"})})
            .get_config()
            .dump();
    config = nlohmann::json{{"class_name", "Sequential"}, {"config", nlohmann::json::parse(config)}}.dump();
    const std::string from = "[28,28,1]";
    for (size_t at; (at = config.find(from)) != std::string::npos;) config.replace(at, from.size(), shape);
    const std::string path = edited_seed_cnn("model_config", config);
    const auto start = std::chrono::steady_clock::now();
    // Over the file's budget ([300000, 28, 1]: 2.5 GB) or over the limit for any one weight.
    EXPECT_THROW_WITH(models::load_model(path), ValueError, "Dense 'dense");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << shape;
    std::filesystem::remove(path);
  }
}

TEST(HostileModelFile, ATruncatedOrOverflowingAttachmentIsRefused) {
  for (const char* value : {"{\"preprocessor\": ", "{\"threshold\": 1e999}"}) {
    const std::string path = edited_seed_cnn("tabular", value);
    EXPECT_THROW_WITH(models::load_model(path), FileError, "metadata 'tabular': not valid JSON");
    std::filesystem::remove(path);
  }
}

// Found by fuzzing: an optimizer step count stored as 4e228 (F64) was cast to int64,
// which is undefined behaviour; float-to-integer conversions now check the range.
TEST(HostileModelFile, AnOptimizerStepCountThatIsNotAnInt64IsRefused) {
  models::Sequential model({layers::Dense(2, {.input_shape = {3}})});
  model.compile({.optimizer = "adam", .loss = "mse"});
  const std::string path = temp_path("opt.safetensors"), edited = temp_path("opt_edited.safetensors");
  model.save(path);
  io::SafetensorsFile file = io::load_safetensors(path);
  for (auto& [name, t] : file.tensors)
    if (name == "optimizer/iterations") t = from_vector(std::vector<double>{4.4e228}, {1});
  io::save_safetensors(edited, file.tensors, file.metadata);
  EXPECT_THROW_WITH(models::load_model(edited), ValueError, "'iterations', one int64 count");
  EXPECT_THROW_WITH(from_vector(std::vector<double>{4.4e228}, {1}).to(DType::int64), ValueError,
                    "element 0 is 4.4e+228, which has no int64");
  EXPECT_THROW_WITH(from_vector(std::vector<double>{std::nan("")}, {1}).to_vector<int64_t>(), ValueError,
                    "has no int64 value");
  std::filesystem::remove(path);
  std::filesystem::remove(edited);
}

TEST(HostileModelFile, DeeplyNestedAttachmentIsRefused) {
  const std::string path = edited_seed_cnn("tabular", std::string(1000000, '[') + std::string(1000000, ']'));
  EXPECT_THROW_WITH(models::load_model(path), FileError, "nests more than 256 levels");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace deepfin
