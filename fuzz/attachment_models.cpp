#include "attachment_models.h"

#include <string>

#include "deepfin/data/tabular/csv.h"
#include "deepfin/io/safetensors.h"
#include "deepfin/nn/layers.h"
#include "deepfin/tabular/tabular_model.h"
#include "deepfin/text_model/text_classifier.h"
#include "fuzz_target.h"

namespace deepfin::fuzz {
namespace {

constexpr const char* kRows =
    "class,duration,purpose\n"
    "bad,12,car\n"
    "good,24,radio/tv\n"
    "good,6,car\n"
    "bad,48,education\n";

io::SafetensorsFile saved(const std::string& suffix, const auto& save) {
  const std::string path = scratch_file(nullptr, 0, suffix);
  save(path);
  return io::load_safetensors(path);
}

const io::SafetensorsFile& tabular_base() {
  static const io::SafetensorsFile file = saved(".base-tabular.safetensors", [](const std::string& path) {
    const data::Table table = data::parse_csv(kRows, "rows.csv");
    data::PreprocessOptions options;
    options.target = "class";
    options.positive_label = "bad";
    auto pre = data::TabularPreprocessor::fit(table, options);
    auto model = std::make_shared<models::Sequential>(
        std::vector<std::shared_ptr<nn::Layer>>{layers::Dense(1, {.activation = "sigmoid"})});
    model->build(Shape{pre.num_features()});
    tabular::TabularModel(std::move(pre), model).save(path);
  });
  return file;
}

const io::SafetensorsFile& text_base() {
  static const io::SafetensorsFile file = saved(".base-text.safetensors", [](const std::string& path) {
    const std::vector<std::string> texts = {"my card was stolen", "send money to my payee", "card lost", "send it"};
    auto tokenizer = text::Tokenizer::train(texts, {.vocab_size = 60, .min_frequency = 1});
    auto labels = text::LabelEncoder::fit({"lost_card", "transfer"});
    auto model = std::make_shared<models::Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
        layers::Embedding(tokenizer.vocab_size(), 4), layers::GlobalAveragePooling1D(),
        layers::Dense(2, {.activation = "softmax"})});
    model->build(Shape{8});
    text_model::TextClassifier(std::move(tokenizer), std::move(labels), 8, model).save(path);
  });
  return file;
}

}  // namespace

void load_with_attachment(AttachmentKind kind, std::string_view json_text) {
  const bool tabular = kind == AttachmentKind::tabular;
  const io::SafetensorsFile& base = tabular ? tabular_base() : text_base();
  std::map<std::string, std::string> metadata = base.metadata;
  metadata[tabular ? "tabular" : "text"] = std::string(json_text);
  const std::string path = scratch_file(nullptr, 0, ".model.safetensors");
  io::save_safetensors(path, base.tensors, metadata);
  if (tabular) {
    const auto model = tabular::TabularModel::load(path);
    model.predict_proba(data::parse_csv(kRows, "rows.csv"));
  } else {
    text_model::TextClassifier::load(path).predict({"card stolen"});
  }
}

}  // namespace deepfin::fuzz
