// Text inputs that once gave the wrong message or none: a folder or an empty file
// given as training texts (read as "no labels", without the file's name), a Latin-1
// CSV when the job says so, and a text model whose max_length does not match its
// model (found only after encoding a buffer of that size).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "deepfin/base/error.h"
#include "deepfin/io/safetensors.h"
#include "deepfin/nn/layers.h"
#include "deepfin/text/readers.h"
#include "deepfin/text_model/text_classifier.h"
#include "scratch_dir.h"
#include "testing/error_message.h"
#include "testing/unprivileged.h"

namespace deepfin::text {
namespace {

using text_model::Prediction;
using text_model::TextClassifier;

// A two-class text model over 8 token ids, saved to `path`.
void save_small_text_model(const std::string& path) {
  const std::vector<std::string> texts = {"my card was stolen", "send money", "card lost", "send it"};
  Tokenizer tokenizer = Tokenizer::train(texts, {.vocab_size = 60, .min_frequency = 1});
  auto model = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Embedding(tokenizer.vocab_size(), 4), layers::GlobalAveragePooling1D(),
      layers::Dense(2, {.activation = "softmax"})});
  model->build(Shape{8});
  TextClassifier(tokenizer, LabelEncoder::fit({"a", "b"}), 8, model).save(path);
}

TEST(BadTextFiles, AFolderOrAnEmptyFileIsNamed) {
  testing::ScratchDir dir;
  const std::string folder = dir.sub("");
  EXPECT_NE(deepfin::testing::error_message([&] { read_phrasebank(folder); }).find("it is a folder, not a file"),
            std::string::npos);
  EXPECT_NE(deepfin::testing::error_message([&] { read_text_csv(folder, "text", "label"); }).find("it is a folder"),
            std::string::npos);
  const std::string empty = dir.write("empty.txt", "\n  \n");
  EXPECT_NE(deepfin::testing::error_message([&] { read_phrasebank(empty); }).find("empty.txt: no sentences"),
            std::string::npos);
  const std::string header = dir.write("header.csv", "text,label\n");
  EXPECT_NE(
      deepfin::testing::error_message([&] { read_text_csv(header, "text", "label"); }).find("header.csv: no texts"),
      std::string::npos);
}

TEST(BadTextFiles, TruncatedAndUnreadableFilesAreNamed) {
  testing::ScratchDir dir;
  const std::string cut = dir.write("cut.csv", "text,label\n\"my card was st");
  EXPECT_NE(deepfin::testing::error_message([&] { read_text_csv(cut, "text", "label"); }).find("cut.csv"),
            std::string::npos);
  const std::string csv = dir.write("secret.csv", "text,label\nhi,a\n");
  const std::string bank = dir.write("secret.txt", "Profit rose .@positive\n");
  ::chmod(csv.c_str(), 0);
  ::chmod(bank.c_str(), 0);
  ::chmod(dir.sub("").c_str(), 0755);
  const std::string csv_msg = deepfin::testing::run_unprivileged(
      [&] { return deepfin::testing::error_message([&] { read_text_csv(csv, "text", "label"); }); });
  EXPECT_NE(csv_msg.find(csv + ": Permission denied"), std::string::npos) << csv_msg;
  const std::string bank_msg = deepfin::testing::run_unprivileged(
      [&] { return deepfin::testing::error_message([&] { read_phrasebank(bank); }); });
  EXPECT_NE(bank_msg.find(bank + ": Permission denied"), std::string::npos) << bank_msg;
}

TEST(BadTextFiles, ACsvIsReadInTheEncodingTheJobNames) {
  testing::ScratchDir dir;
  const std::string path = dir.write("latin1.csv", "text,label\n\"caf\xe9 card\",lost\n\"pay\",transfer\n");
  EXPECT_NE(deepfin::testing::error_message([&] { read_text_csv(path, "text", "label"); }).find("invalid UTF-8"),
            std::string::npos);
  EXPECT_EQ(read_text_csv(path, "text", "label", "latin-1").texts.front(), "caf\xc3\xa9 card");
  EXPECT_EQ(read_text_csv(path, "text", "label", "auto").texts.front(), "caf\xc3\xa9 card");
}

TEST(BadTextFiles, ATruncatedOrDeeplyNestedTokenizerIsRefusedOnLoad) {
  testing::ScratchDir dir;
  save_small_text_model(dir.sub("m.safetensors"));
  const io::SafetensorsFile file = io::load_safetensors(dir.sub("m.safetensors"));
  const std::string text = file.metadata.at("text");
  for (const std::string& edited :
       {text.substr(0, text.size() / 2), std::string(100000, '[') + std::string(100000, ']')}) {
    std::map<std::string, std::string> metadata = file.metadata;
    metadata["text"] = edited;
    io::save_safetensors(dir.sub("edited.safetensors"), file.tensors, metadata);
    const std::string msg =
        deepfin::testing::error_message([&] { TextClassifier::load(dir.sub("edited.safetensors")); });
    EXPECT_TRUE(msg.find("metadata 'text': not valid JSON") != std::string::npos ||
                msg.find("nests more than 256 levels") != std::string::npos)
        << msg;
  }
}

TEST(BadTextFiles, AMaxLengthThatDoesNotMatchTheModelIsRefusedOnLoad) {
  testing::ScratchDir dir;
  save_small_text_model(dir.sub("m.safetensors"));
  io::SafetensorsFile file = io::load_safetensors(dir.sub("m.safetensors"));
  nlohmann::json text = nlohmann::json::parse(file.metadata.at("text"));
  text["max_length"] = int64_t{1} << 33;
  file.metadata["text"] = text.dump();
  io::save_safetensors(dir.sub("edited.safetensors"), file.tensors, file.metadata);
  EXPECT_NE(deepfin::testing::error_message([&] {
              TextClassifier::load(dir.sub("edited.safetensors"));
            }).find("max_length 8589934592 does not match the model's input shape (8,)"),
            std::string::npos);
}

}  // namespace
}  // namespace deepfin::text
